// Reads SMS from Gatehouse's development outbox through the vendor-only smsOutbox query, as a
// developer would, and a local HTTP server standing in for an SMS provider.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'graphql';
import type { TestGatehouse } from './gatehouse.ts';

const OUTBOX = parse(`query SmsOutbox($to: String) { smsOutbox(to: $to) { to body from sentAt } }`);

export interface Sms {
  to: string;
  body: string;
  from: string | null;
}

/** Reads the outbox messages to a number, newest first. */
export async function smsTo(t: TestGatehouse, to: string): Promise<Sms[]> {
  const r = await t.gql(OUTBOX as never, { to } as never, { token: await t.vendorToken() });
  if (r.errors) throw new Error(`smsOutbox failed: ${JSON.stringify(r.errors)}`);
  return (r.data as { smsOutbox: Sms[] }).smsOutbox;
}

/**
 * Waits for the next message to `to` after `seen` messages (some flows send in the background so
 * their answer cannot tell known numbers from unknown ones). Bounded: gives up after ~2 s.
 */
export async function nextSms(t: TestGatehouse, to: string, seen: number): Promise<Sms> {
  for (let i = 0; i < 200; i++) {
    const all = await smsTo(t, to);
    if (all.length > seen) return all[0]!;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no SMS to ${to}`);
}

/** The 6-digit code in a message. */
export function codeIn(sms: Sms): string {
  const code = /\b(\d{6})\b/.exec(sms.body)?.[1];
  if (!code) throw new Error(`no code in "${sms.body}"`);
  return code;
}

/** A 6-digit code other than `code`. */
export const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

export interface ProviderRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

/** A local SMS provider that records every request and answers `status` (changeable). */
export async function startSmsProvider() {
  const requests: ProviderRequest[] = [];
  const state = { status: 202 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body: text ? JSON.parse(text) : null });
      res.writeHead(state.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: state.status < 300 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sms`,
    requests,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let phoneCounter = Math.floor(Math.random() * 5000);
/** A valid, unique US number in E.164 (201-555-xxxx). */
export const uniquePhone = () => `+1201555${String(phoneCounter++ % 10000).padStart(4, '0')}`;
