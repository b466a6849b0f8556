/**
 * The answer of every completed sign-in (password, or password then second factor): the session cookies, a fresh
 * device token for the account (cookie for browsers, `deviceToken` in the body for API clients) and the session.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { setDeviceCookie, setSessionCookies } from '../../http/cookies.ts';
import type { Services } from '../../services.ts';
import { tokensOfCookie } from '../lockout/device-tokens.ts';
import type { loginResponseSchema } from './auth.schema.ts';
import type { LoginResult } from './auth.service.ts';

/** The device tokens a sign-in presents: the body's (API clients), then the device cookie's (browsers). */
export function presentedDeviceTokens(request: FastifyRequest, services: Services, fromBody?: string): string[] {
  const cookie = tokensOfCookie(request.cookies[services.cookies.device]);
  return fromBody ? [fromBody, ...cookie] : cookie;
}

export async function signedIn(
  request: FastifyRequest,
  reply: FastifyReply,
  services: Services,
  result: LoginResult,
): Promise<z.infer<typeof loginResponseSchema>> {
  setSessionCookies(reply, services.cookies, result);
  const deviceToken = services.deviceTokens.issue(result.user.id);
  const previous = tokensOfCookie(request.cookies[services.cookies.device]);
  const cookie = services.deviceTokens.cookieValue(deviceToken, result.user.id, previous);
  setDeviceCookie(reply, services.cookies, cookie, services.clock.now());
  return {
    token: result.token,
    expiresAt: result.session.expires_at,
    user: await services.users.toDto(result.user),
    deviceToken,
  };
}
