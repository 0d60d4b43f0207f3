// GraphiQL served from Gatehouse itself (@graphql-yoga/render-graphiql bundles the editor and
// its workers), so it works offline and needs no third-party script origin. The page is rendered
// once per option set, and its CSP allows exactly its own inline script by hash: no
// 'unsafe-inline' or 'unsafe-eval' for scripts, no framing, requests only to this origin.
import { createHash } from 'node:crypto';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';

type Options = Parameters<typeof renderGraphiQL>[0];

interface Page {
  html: string;
  csp: string;
}

let current: (Page & { key: string }) | null = null;

function render(options: Options): Page {
  const key = JSON.stringify(options ?? {});
  let page = current?.key === key ? current : null;
  if (!page) {
    const html = renderGraphiQL(options);
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
      (m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`,
    );
    const csp = [
      "default-src 'none'",
      `script-src ${scripts.join(' ')}`,
      // The editor (Monaco) injects style elements at run time; styles cannot run code.
      "style-src 'unsafe-inline'",
      "img-src 'self' data:",
      "font-src 'self' data:",
      // The editor's language workers are created from blobs built by the page's own script.
      'worker-src blob:',
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'none'",
    ].join('; ');
    page = current = { key, html, csp };
  }
  return page;
}

/** For createYoga's `renderGraphiQL`: the page, rendered once. */
export const renderGraphiQLPage = (options: Options) => render(options).html;

/** The CSP of the page last rendered (yoga serves no other HTML), or null before the first. */
export const graphiqlPolicy = (): string | null => current?.csp ?? null;
