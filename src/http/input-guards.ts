/**
 * Input no route should have to think about: a NUL character anywhere in the path, the query or a JSON body is
 * refused with a 400 before validation. PostgreSQL cannot store U+0000 in text and would answer an error (a 500),
 * and no identifier, name or password of ours legitimately contains one.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';

function containsNul(value: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some((v) => containsNul(v, depth + 1));
  // Only parsed JSON is walked: a streamed body (a CSV import) is an object graph reaching the socket and server.
  const proto = value && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (proto === Object.prototype || proto === null) {
    return Object.entries(value as Record<string, unknown>).some(
      ([k, v]) => k.includes('\u0000') || containsNul(v, depth + 1),
    );
  }
  return false;
}

function urlHasNul(url: string): boolean {
  if (!/%00/i.test(url) && !url.includes('\u0000')) return false;
  try {
    return decodeURIComponent(url).includes('\u0000');
  } catch {
    return true;
  }
}

// Callback hooks, not async ones: they run on every request and need no promise (the session check's budget).
export function registerInputGuards(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (urlHasNul(request.url)) {
      done(new AppError('VALIDATION_FAILED', { detail: 'The URL contains a NUL character' }));
      return;
    }
    done();
  });
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.body !== undefined && containsNul(request.body)) {
      done(
        new AppError('VALIDATION_FAILED', {
          detail: 'The body contains a NUL character',
          errors: [{ path: 'body', message: 'must not contain NUL characters' }],
        }),
      );
      return;
    }
    done();
  });
}
