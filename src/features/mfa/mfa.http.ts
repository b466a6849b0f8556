/** What the MFA routes read from a request: the signed-in user acting on its own factors. */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors.ts';
import { requireUser } from '../../http/auth-context.ts';
import type { Self } from './mfa.service.ts';

/**
 * The signed-in user managing its own factors, through a session only: a personal API key must not be able
 * to add or remove the second factor of its owner.
 */
export function selfOf(request: FastifyRequest): Self {
  const auth = request.auth;
  if (!auth || auth.apiKeyId || !auth.sessionId) {
    throw new AppError('FORBIDDEN', { detail: 'Second factors are managed from a signed-in session' });
  }
  return { actor: auth.actor, user: requireUser(auth), sessionId: auth.sessionId };
}
