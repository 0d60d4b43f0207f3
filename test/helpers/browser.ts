// Real pages in a real browser: Debian's chromium driven by playwright-core (`.ci/run` installs
// chromium; set GATEHOUSE_TEST_CHROMIUM to use another binary). Gatehouse listens on loopback for
// the browser, through the same adapter as src/main.ts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServerAdapter } from '@whatwg-node/server';
import { chromium, type Browser } from 'playwright-core';
import type { TestGatehouse } from './gatehouse.ts';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.GATEHOUSE_TEST_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    // The machine's network is closed: without these Chromium keeps dialling Google's hosts.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Serves the test Gatehouse over HTTP on 127.0.0.1; returns its origin and a closer. */
export async function listen(t: TestGatehouse): Promise<{ origin: string; close: () => Promise<void> }> {
  const adapter = createServerAdapter<{ req: import('node:http').IncomingMessage }>((request, ctx) =>
    t.app.fetch(request, { remoteAddress: ctx.req.socket.remoteAddress }),
  );
  const server: Server = createServer(adapter);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
