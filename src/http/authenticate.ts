/**
 * Resolves the credential of every request (Bearer session token, Bearer API key, or the session cookie),
 * then applies the route's declared access rule. Runs in onRequest, before the body is read, so an
 * unauthenticated request is refused as 401 whatever it carries.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { currentEpoch, EpochCache } from '../cache/epoch-cache.ts';
import type { Clock } from '../clock.ts';
import type { Db, SessionRow, UserRow } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { type Access, accessOf, holdsAnywhere } from '../features/access/access.service.ts';
import { resolveApiKey } from '../features/api-keys/api-keys.auth.ts';
import { looksLikeApiKey } from '../features/api-keys/api-keys.token.ts';
import { recordEvent } from '../features/events/events.service.ts';
import { needsDatabase, type SessionsService, sessionTokenPrefix } from '../features/sessions/sessions.service.ts';
import type { AuthContext, RouteAccess } from './auth-context.ts';
import { type CookieNames, csrfHeader, csrfTokenHolds, sameOrigin } from './cookies.ts';

export type AuthenticateOptions = { db: Db; clock: Clock; sessions: SessionsService; cookies: CookieNames };

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * user id → effective access, for the session check: computing it walks roles, groups and their parents on every
 * request otherwise. Dropped on any change in this process (cache/epoch-cache.ts), and after 500 ms for changes
 * made through another node.
 */
const accessCache = new EpochCache<string, Access>({ ttlMs: 500, maxEntries: 10_000 });

async function cachedAccessOf(db: Db, userId: string): Promise<Access> {
  const cached = accessCache.get(userId);
  if (cached) return cached;
  const epoch = currentEpoch();
  const access = await accessOf(db, userId);
  accessCache.set(userId, access, epoch);
  return access;
}

function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw new AppError('UNAUTHENTICATED', { detail: 'Malformed Authorization header' });
  return match[1];
}

async function resolve(request: FastifyRequest, options: AuthenticateOptions): Promise<AuthContext | null> {
  const ip = request.ip;
  const userAgent = request.headers['user-agent'] ?? null;
  const bearer = bearerOf(request);
  const cookie = request.cookies[options.cookies.session];
  const token = bearer ?? cookie;
  if (!token) return null;
  const via = bearer ? 'bearer' : 'cookie';
  if (bearer && looksLikeApiKey(bearer)) {
    const key = await resolveApiKey(options.db, options.clock, bearer);
    if (!key) throw new AppError('UNAUTHENTICATED', { detail: 'Invalid or expired credentials' });
    return {
      user: key.user,
      sessionId: null,
      apiKeyId: key.keyId,
      via,
      access: key.access,
      actor: { type: 'api-key', id: key.keyId, name: key.keyName, ip, userAgent, onBehalfOf: key.user?.id ?? null },
    };
  }
  const found = await options.sessions.validate(token);
  if (!found) throw new AppError('UNAUTHENTICATED', { detail: 'Invalid or expired credentials' });
  return sessionContext(request, found, await cachedAccessOf(options.db, found.user.id), via);
}

/** The caller of a request that presented a live session. */
function sessionContext(
  request: FastifyRequest,
  found: { session: SessionRow; user: UserRow },
  access: Access,
  via: AuthContext['via'],
): AuthContext {
  const { user } = found;
  return {
    user,
    sessionId: found.session.id,
    apiKeyId: null,
    via,
    access,
    actor: {
      type: 'user',
      id: user.id,
      name: user.username,
      ip: request.ip,
      userAgent: request.headers['user-agent'] ?? null,
    },
  };
}

/**
 * CSRF defence for unsafe cookie-authenticated requests (ASVS 3.5.1–3.5.3): the request comes from the public
 * origin and carries this session's token (http/cookies.ts). Bearer credentials are never sent by a browser on
 * its own, so they need neither.
 */
function csrfHolds(request: FastifyRequest, auth: AuthContext, cookies: CookieNames): boolean {
  if (auth.via !== 'cookie' || !unsafeMethods.has(request.method)) return true;
  if (!auth.sessionId || !sameOrigin(request, cookies)) return false;
  return csrfTokenHolds(cookies, auth.sessionId, request.headers[csrfHeader]);
}

/** Why a resolved caller may not use this route: an error to answer, or a denial to audit first; null if it may. */
type Refusal = { error: AppError } | { deny: string };

function refusalOf(
  request: FastifyRequest,
  auth: AuthContext,
  rule: Exclude<RouteAccess, 'public'>,
  cookies: CookieNames,
): Refusal | null {
  if (!csrfHolds(request, auth, cookies)) return { error: new AppError('CSRF_FAILED') };
  if (auth.user?.must_change_password && !request.routeOptions.config.allowDuringPasswordChange) {
    return { error: new AppError('PASSWORD_CHANGE_REQUIRED') };
  }
  if (rule === 'signed-in') return auth.user ? null : { deny: 'This route needs a user, not a system key' };
  return holdsAnywhere(auth.access, rule) ? null : { deny: `Missing permission ${rule}` };
}

async function deny(request: FastifyRequest, options: AuthenticateOptions, auth: AuthContext, why: string) {
  // Every refused authorization is an audit event (ASVS 16.3.2).
  await recordEvent(options.db, options.clock, auth.actor, {
    action: 'authorization.denied',
    target: { type: 'route', id: `${request.method} ${request.routeOptions.url ?? request.url}` },
    outcome: 'denied',
    details: { reason: why },
  });
  throw new AppError('FORBIDDEN', { detail: why });
}

async function authenticate(request: FastifyRequest, _reply: FastifyReply, options: AuthenticateOptions) {
  request.auth = null;
  // Only routes outside /api and /scim may lack a rule (docs, console pages, the 404 handler): app.ts refuses to
  // start when an /api or /scim route declares none, so an undefined rule here is a public page.
  const rule = request.routeOptions.config.access ?? 'public';
  const auth = await resolve(request, options).catch((error: unknown) => {
    // A bad credential on a public route is ignored rather than refused (a stale cookie on the sign-in page).
    if (rule === 'public' && error instanceof AppError) return null;
    throw error;
  });
  request.auth = auth;
  if (rule === 'public') return;
  if (!auth) throw new AppError('UNAUTHENTICATED');
  const refused = refusalOf(request, auth, rule, options.cookies);
  if (!refused) return;
  if ('error' in refused) throw refused.error;
  await deny(request, options, auth, refused.deny);
}

const bearerSessionPrefix = `Bearer ${sessionTokenPrefix}`;
const tokenCharacters = /^[A-Za-z0-9_-]+$/;

/**
 * The common cases answered without a promise: a public route without credentials, and a session token (Bearer
 * or cookie) whose session, settings and access are all in memory, on a route the caller may use. Returns false,
 * having changed nothing, whenever anything else applies (no or another credential, a cache miss, a refusal):
 * `authenticate` then decides.
 * Awaiting nothing saves each request several promise settlements (issue 8's session check budget).
 */
function authenticateFromMemory(request: FastifyRequest, options: AuthenticateOptions): boolean {
  const rule = request.routeOptions.config.access ?? 'public';
  const header = request.headers.authorization;
  if (rule === 'public') return !header && !request.cookies[options.cookies.session];
  // Only the exact form `Bearer ghs_…`; any other header (an API key, odd spacing, garbage) takes the full path.
  const bearer = header?.startsWith(bearerSessionPrefix) ? header.slice(7) : undefined;
  if (header && (!bearer || !tokenCharacters.test(bearer))) return false;
  const token = bearer ?? request.cookies[options.cookies.session];
  if (!token) return false;
  const found = options.sessions.validateFromMemory(token);
  if (!found || found === needsDatabase) return false;
  const access = accessCache.get(found.user.id);
  if (!access) return false;
  const auth = sessionContext(request, found, access, bearer ? 'bearer' : 'cookie');
  // A refusal is answered (and a denial audited) by `authenticate`, which reaches the same verdict.
  if (refusalOf(request, auth, rule, options.cookies)) return false;
  request.auth = auth;
  return true;
}

export const authenticatePlugin = fp(async (app: FastifyInstance, options: AuthenticateOptions) => {
  app.decorateRequest('auth', null);
  // A callback hook: the fast path completes it synchronously, anything else goes through `authenticate`.
  app.addHook('onRequest', (request, reply, done) => {
    if (authenticateFromMemory(request, options)) {
      done();
      return;
    }
    authenticate(request, reply, options).then(() => done(), done);
  });
});
