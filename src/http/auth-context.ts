/** What a request is allowed to be and do, resolved once per request by http/authenticate.ts. */
import type { UserRow } from '../db/database.ts';
import type { Access } from '../features/access/access.service.ts';
import type { Permission } from '../features/access/permissions.ts';
import type { Actor } from '../features/events/events.service.ts';

export type AuthContext = {
  /** The user acting; null for a system API key. */
  user: UserRow | null;
  sessionId: string | null;
  apiKeyId: string | null;
  via: 'bearer' | 'cookie';
  access: Access;
  actor: Actor;
};

/**
 * A route's access rule, declared next to the route in `config.access`:
 * `'public'` (no credential), `'signed-in'` (a user: session or personal key), or a permission.
 * A route under /api or /scim without one fails the start-up (deny by default).
 */
export type RouteAccess = 'public' | 'signed-in' | Permission;

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
    /** Reachable while the user must change its password (the change itself, logout, /api/me). */
    allowDuringPasswordChange?: boolean;
  }
}

/** The acting user, for routes declared 'signed-in' (authenticate.ts guarantees it is there). */
export function requireUser(auth: AuthContext | null): UserRow {
  if (!auth?.user) throw new Error('route declared signed-in but no user on the request');
  return auth.user;
}

export function anonymousActor(ip: string | null, userAgent: string | null): Actor {
  return { type: 'anonymous', id: null, name: null, ip, userAgent };
}
