/**
 * Session, CSRF and device cookies. Over https every cookie is Secure and `__Host-` prefixed (ASVS 3.3.1–3.3.4).
 * CSRF defence (ASVS 3.5.1): the readable `gatehouse_csrf` cookie holds an HMAC of the session id under the
 * server key, echoed by the console in the `x-csrf-token` header; the server recomputes it from the session the
 * request presents, so a cookie planted by another site (or a sibling subdomain) is worth nothing. The Origin
 * (or Sec-Fetch-Site) of every unsafe cookie-authenticated request must be the public URL's. SameSite=Lax is a
 * further line.
 */
import { createHmac } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { safeEqual } from '../crypto/tokens.ts';
import type { SessionRow } from '../db/database.ts';
import { deviceTokenLifetimeMs } from '../features/lockout/device-tokens.ts';

export const csrfHeader = 'x-csrf-token';

export type CookieNames = {
  session: string;
  csrf: string;
  /** The device tokens of the brute-force defence (features/lockout/device-tokens.ts). */
  device: string;
  secure: boolean;
  /** The origin (scheme://host[:port]) of GATEHOUSE_PUBLIC_URL: the only one unsafe cookie requests may come from. */
  origin: string;
  /** Key of the session-bound CSRF token. */
  csrfKey: Uint8Array;
};

export function cookieNamesFor(publicUrl: string, csrfKey: Uint8Array): CookieNames {
  const secure = publicUrl.startsWith('https://');
  const origin = new URL(publicUrl).origin;
  return secure
    ? {
        session: '__Host-gatehouse_session',
        csrf: '__Host-gatehouse_csrf',
        device: '__Host-gatehouse_device',
        secure,
        origin,
        csrfKey,
      }
    : { session: 'gatehouse_session', csrf: 'gatehouse_csrf', device: 'gatehouse_device', secure, origin, csrfKey };
}

/** The CSRF token of one session: HMAC-SHA256(server key, session id). */
export function csrfTokenFor(names: CookieNames, sessionId: string): string {
  return createHmac('sha256', names.csrfKey).update(sessionId, 'utf8').digest('base64url');
}

/** Whether the presented header is this session's CSRF token (constant time). */
export function csrfTokenHolds(names: CookieNames, sessionId: string, presented: unknown): boolean {
  return typeof presented === 'string' && safeEqual(csrfTokenFor(names, sessionId), presented);
}

/**
 * Whether an unsafe request comes from the public origin. Browsers send Origin on every POST, PUT, PATCH and
 * DELETE; older ones may send only Sec-Fetch-Site. A request with neither is not from a browser page (the CSRF
 * token still has to match).
 */
export function sameOrigin(request: FastifyRequest, names: CookieNames): boolean {
  const origin = request.headers.origin;
  if (origin !== undefined) return origin === names.origin;
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  return true;
}

export function setSessionCookies(
  reply: FastifyReply,
  names: CookieNames,
  result: { token: string; session: SessionRow },
): void {
  const expires = new Date(result.session.expires_at);
  const base = { path: '/', sameSite: 'lax' as const, secure: names.secure, expires };
  reply.setCookie(names.session, result.token, { ...base, httpOnly: true });
  reply.setCookie(names.csrf, csrfTokenFor(names, result.session.id), { ...base, httpOnly: false });
}

/** The device cookie: HttpOnly and long-lived; it outlives sign-out on purpose (it identifies the browser). */
export function setDeviceCookie(reply: FastifyReply, names: CookieNames, value: string, now: Date): void {
  reply.setCookie(names.device, value, {
    path: '/',
    sameSite: 'lax',
    secure: names.secure,
    httpOnly: true,
    expires: new Date(now.getTime() + deviceTokenLifetimeMs),
  });
}

export function clearSessionCookies(reply: FastifyReply, names: CookieNames): void {
  const base = { path: '/', sameSite: 'lax' as const, secure: names.secure };
  reply.clearCookie(names.session, { ...base, httpOnly: true });
  reply.clearCookie(names.csrf, base);
}
