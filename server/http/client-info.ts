import type { Context } from 'hono';
import type { Actor } from '../identity/audit';

/**
 * Who is calling, for rate limits and the audit log. Behind a proxy (TRUST_PROXY=true) the
 * client is the last X-Forwarded-For hop, the one our proxy appended; earlier hops are
 * whatever the client chose to send.
 */
export function clientInfo(c: Context, trustProxy: boolean): Actor & { ip: string; userAgent: string | null } {
  let ip: string | undefined;
  if (trustProxy) ip = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
  ip ||= (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
  return { ip: ip ?? 'unknown', userAgent: c.req.header('user-agent')?.slice(0, 512) ?? null };
}
