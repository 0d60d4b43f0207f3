// Which address is the client's: X-Forwarded-For is believed only as far as trusted proxies go.
import { describe, expect, it } from 'vitest';
import { resolveClientIp } from '../../src/platform/client-ip.ts';
import { startGatehouse } from '../helpers/gatehouse.ts';

const xff = (v: string) => new Headers({ 'x-forwarded-for': v });

describe('client address', () => {
  it('ignores X-Forwarded-For unless proxies are trusted', () => {
    expect(resolveClientIp(xff('6.6.6.6'), '10.0.0.5', 0)).toBe('10.0.0.5');
    expect(resolveClientIp(new Headers(), '::ffff:10.0.0.5', 0)).toBe('10.0.0.5');
    expect(resolveClientIp(xff('6.6.6.6'), null, 0)).toBeNull();
  });

  it('takes the entry the outermost trusted proxy appended, never one the client wrote', () => {
    // The client forged "6.6.6.6"; the one trusted proxy appended the address it saw.
    expect(resolveClientIp(xff('6.6.6.6, 203.0.113.7'), '10.0.0.1', 1)).toBe('203.0.113.7');
    // Two proxies: the second appended the first's address.
    expect(resolveClientIp(xff('6.6.6.6, 203.0.113.7, 10.0.0.2'), '10.0.0.1', 2)).toBe('203.0.113.7');
    expect(resolveClientIp(xff('2001:db8::1'), null, 1)).toBe('2001:db8::1');
    // Garbage in the header falls back to the connection's address.
    expect(resolveClientIp(xff('not-an-ip'), '10.0.0.1', 1)).toBe('10.0.0.1');
    expect(resolveClientIp(new Headers(), '10.0.0.1', 1)).toBe('10.0.0.1');
  });

  it('reaches the sessions a login starts: the trusted entry with one proxy, never a forged header without', async () => {
    for (const [trust, expected] of [
      ['1', '203.0.113.7'],
      ['0', null],
    ] as const) {
      const t = await startGatehouse({ GATEHOUSE_TRUST_PROXY: trust });
      try {
        const email = `ip-${trust}-${Date.now()}@example.com`;
        const su = await t.rest('POST', '/identity/resources/users/v1/signUp', {
          body: { email, password: 'client address passphrase', companyName: 'Ip' },
          headers: { 'x-forwarded-for': '203.0.113.7' },
        });
        expect(su.status).toBeLessThan(300);
        const sessions = await t.deps.db.session.findMany({ where: { user: { email } }, select: { ipAddress: true } });
        expect(sessions.length).toBeGreaterThan(0);
        // In-process calls have no connection address: untrusted, the header is simply not believed.
        expect(sessions.map((s) => s.ipAddress), `trust ${trust}`).toEqual(sessions.map(() => expected));
      } finally {
        await t.close();
      }
    }
  });
});
