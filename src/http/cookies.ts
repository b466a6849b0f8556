/**
 * Session and CSRF cookies. Over https the session cookie is Secure and `__Host-` prefixed (ASVS 3.3.1–3.3.4).
 * CSRF defence is double submit: a readable `gatehouse_csrf` cookie echoed in the `x-csrf-token` header,
 * required on unsafe methods when the credential is the cookie. SameSite=Lax is the second line.
 */
import type { FastifyReply } from 'fastify';
import { randomToken } from '../crypto/tokens.ts';

export const csrfHeader = 'x-csrf-token';

export type CookieNames = { session: string; csrf: string; secure: boolean };

export function cookieNamesFor(publicUrl: string): CookieNames {
  const secure = publicUrl.startsWith('https://');
  return secure
    ? { session: '__Host-gatehouse_session', csrf: '__Host-gatehouse_csrf', secure }
    : { session: 'gatehouse_session', csrf: 'gatehouse_csrf', secure };
}

export function setSessionCookies(reply: FastifyReply, names: CookieNames, token: string, expiresAt: Date): void {
  const base = { path: '/', sameSite: 'lax' as const, secure: names.secure, expires: expiresAt };
  reply.setCookie(names.session, token, { ...base, httpOnly: true });
  reply.setCookie(names.csrf, randomToken(32), { ...base, httpOnly: false });
}

export function clearSessionCookies(reply: FastifyReply, names: CookieNames): void {
  const base = { path: '/', sameSite: 'lax' as const, secure: names.secure };
  reply.clearCookie(names.session, { ...base, httpOnly: true });
  reply.clearCookie(names.csrf, base);
}
