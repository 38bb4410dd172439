import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { Context } from 'hono';
import type { AppEnv } from '../router.ts';

/** `::ffff:10.0.0.1` and `10.0.0.1` are one client. */
function plain(address: string): string {
  const a = address.trim().toLowerCase();
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

/**
 * The client's address, for the per-address login limit: the socket's peer, or, when that peer is a trusted proxy,
 * the right-most address in X-Forwarded-For that is not one of the trusted proxies (left of it the client may write
 * anything). `unknown` when there is no socket (in-process requests).
 */
export function clientAddress(c: Context<AppEnv>): string {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const peer = incoming?.socket?.remoteAddress;
  if (!peer) return 'unknown';
  const trusted = new Set(c.var.deps.config.auth.trustedProxies.map(plain));
  let address = plain(peer);
  if (!trusted.has(address)) return address;
  const forwarded = (c.req.header('x-forwarded-for') ?? '').split(',').map(plain).filter(Boolean).reverse();
  for (const hop of forwarded) {
    if (!isIP(hop)) break;
    address = hop;
    if (!trusted.has(hop)) break;
  }
  return address;
}
