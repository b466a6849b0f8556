/** Adapts a request's auth context to the Caller that services take, and reads the client's address. */
import type { FastifyRequest } from 'fastify';
import type { Caller } from '../features/access/caller.ts';
import type { Client } from '../features/sessions/sessions.service.ts';

export function callerOf(request: FastifyRequest): Caller {
  if (!request.auth) throw new Error('callerOf on a route without authentication');
  return request.auth;
}

/** The client as the audit trail records it; request.ip honours X-Forwarded-For only from trusted proxies. */
export function clientOf(request: FastifyRequest): Client {
  return { ip: request.ip ?? null, userAgent: request.headers['user-agent']?.slice(0, 500) ?? null };
}
