// A real SMTP server on 127.0.0.1 for tests: Gatehouse sends over nodemailer exactly as in
// production, and tests read what arrived (parsed by mailparser) to follow links.
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  /** The From header as written ("Name" <address>). */
  fromHeader?: string;
  /** The user the client authenticated as (servers started with `auth`). */
  authUser?: string;
}

export interface TestSmtp {
  url: string;
  messages: ReceivedMail[];
  /** The next message (not yet taken) to `address`; waits for it to arrive. */
  next(address: string): Promise<ReceivedMail>;
  /** Messages received so far for `address`. */
  count(address: string): number;
  close(): Promise<void>;
}

/** With `auth`, the server requires AUTH with exactly these credentials (over plain TCP, as in tests). */
export async function startSmtp(o: { auth?: { user: string; pass: string } } = {}): Promise<TestSmtp> {
  const messages: ReceivedMail[] = [];
  const taken = new Set<ReceivedMail>();
  const waiters: Array<{ address: string; resolve: (m: ReceivedMail) => void }> = [];
  const addressed = (m: ReceivedMail, address: string) => m.to.includes(address.toLowerCase());

  const server = new SMTPServer({
    secure: false,
    authOptional: !o.auth,
    allowInsecureAuth: Boolean(o.auth),
    onAuth(auth, _session, callback) {
      if (o.auth && auth.username === o.auth.user && auth.password === o.auth.pass) return callback(null, { user: auth.username });
      return callback(new Error('Invalid username or password'));
    },
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const mail: ReceivedMail = {
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            fromHeader: parsed.from?.text ?? '',
            ...(typeof session.user === 'string' ? { authUser: session.user } : {}),
          };
          messages.push(mail);
          const i = waiters.findIndex((w) => addressed(mail, w.address));
          if (i >= 0) {
            taken.add(mail);
            waiters.splice(i, 1)[0]!.resolve(mail);
          }
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    next(address) {
      const ready = messages.find((m) => !taken.has(m) && addressed(m, address));
      if (ready) {
        taken.add(ready);
        return Promise.resolve(ready);
      }
      return new Promise((resolve) => waiters.push({ address, resolve }));
    },
    count: (address) => messages.filter((m) => addressed(m, address)).length,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first link in a message's text whose path is `path` (e.g. /account/reset-password), with its query. */
export function linkIn(mail: ReceivedMail, path: string): URL {
  for (const m of mail.text.matchAll(/https?:\/\/\S+/g)) {
    const url = new URL(m[0]);
    if (url.pathname === path) return url;
  }
  throw new Error(`no ${path} link in mail "${mail.subject}":\n${mail.text}`);
}
