// The client's address, for IP restrictions, sessions and audit. X-Forwarded-For is written by
// whoever sends the request, so it is believed only as far as the operator says proxies append
// to it: with GATEHOUSE_TRUST_PROXY = N (N proxies in front of Gatehouse, each appending the
// address it saw), the client is the N-th entry from the right; with 0 (the default) the header
// is ignored and the connection's own address is the client.
import net from 'node:net';

export function resolveClientIp(headers: Headers, remoteAddress: string | null | undefined, trustedProxies: number): string | null {
  const remote = remoteAddress ? normalise(remoteAddress) : null;
  if (trustedProxies <= 0) return remote;
  const forwarded = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!forwarded.length) return remote;
  // Fewer entries than trusted proxies: the leftmost is as far back as the chain goes.
  const candidate = forwarded[Math.max(0, forwarded.length - trustedProxies)]!;
  return net.isIP(normalise(candidate)) ? normalise(candidate) : remote;
}

/** `::ffff:1.2.3.4` (IPv4 on an IPv6 socket) → `1.2.3.4`. */
function normalise(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1]! : ip;
}
