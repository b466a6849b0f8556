/**
 * Input no route should have to think about, refused with a 400 before validation: a NUL character anywhere in
 * the path, the query or a JSON body (PostgreSQL cannot store U+0000 in text and would answer an error, a 500;
 * no identifier, name or password of ours legitimately contains one), and a JSON body nested deeper than 64
 * levels (the recursive JSON-value schema of custom attributes overflowed the stack at ~1,000 levels: a 500,
 * found by the robustness suite's deep-nesting requests; the YAML parser already refuses past 64).
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';

const maxBodyDepth = 64;

/** Why a parsed body is refused, or null; one walk for both rules, stopping at the first. */
function refusal(value: unknown, depth = 0): 'nul' | 'depth' | null {
  if (typeof value === 'string') return value.includes('\u0000') ? 'nul' : null;
  if (!value || typeof value !== 'object') return null;
  // Only parsed JSON is walked: a streamed body (a CSV import) is an object graph reaching the socket and server.
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return null;
  if (depth > maxBodyDepth) return 'depth';
  for (const key in value) {
    if (key.includes('\u0000')) return 'nul';
    const r = refusal((value as Record<string, unknown>)[key], depth + 1);
    if (r) return r;
  }
  return null;
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
    const refused = request.body === undefined ? null : refusal(request.body);
    if (refused === 'nul') {
      done(
        new AppError('VALIDATION_FAILED', {
          detail: 'The body contains a NUL character',
          errors: [{ path: 'body', message: 'must not contain NUL characters' }],
        }),
      );
      return;
    }
    if (refused === 'depth') {
      done(
        new AppError('VALIDATION_FAILED', {
          detail: 'The body is nested too deeply',
          errors: [{ path: 'body', message: `must not nest deeper than ${maxBodyDepth} levels` }],
        }),
      );
      return;
    }
    done();
  });
}
