/** Security headers on every answer; pages that carry a token in their URL add no-referrer themselves. */
import type { FastifyInstance } from 'fastify';

/**
 * HSTS whenever the public URL is https (ASVS 3.4.1: a year, subdomains included). Never over plain http: a
 * browser ignores it there, and a development setup on http://localhost must not be pinned to https.
 */
const hsts = 'max-age=31536000; includeSubDomains';

/**
 * The API reference page (/api/docs, Swagger UI): its scripts and styles are files of its own; it sets inline
 * styles, draws icons from data: URLs and fetches /api/openapi.json. Its validator badge is off (no foreign host).
 */
export const docsContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

export function registerSecurityHeaders(app: FastifyInstance, options: { https: boolean }): void {
  // A callback hook, not an async one: it runs on every answer and needs no promise.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    if (options.https) reply.header('strict-transport-security', hsts);
    if (request.url.startsWith('/api/docs')) {
      reply.header('content-security-policy', docsContentSecurityPolicy);
    } else if (request.url.startsWith('/api/')) {
      reply.header('cache-control', 'no-store');
    }
    done(null, payload);
  });
}
