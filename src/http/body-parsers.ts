/**
 * JSON is Fastify's own parser (secure-json-parse refuses `__proto__` and `constructor.prototype`).
 * YAML bodies (`application/yaml`) are accepted too, with the same refusal of prototype keys.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';
import { lazyRequire } from '../lazy-require.ts';

const yaml = lazyRequire<typeof import('yaml')>('yaml');

const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

function assertNoPrototypeKeys(value: unknown, depth = 0): void {
  if (depth > 64) throw new AppError('INVALID_BODY', { detail: 'The body is nested too deeply' });
  if (Array.isArray(value)) for (const v of value) assertNoPrototypeKeys(v, depth + 1);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (forbiddenKeys.has(k)) throw new AppError('INVALID_BODY', { detail: `The key "${k}" is not allowed` });
      assertNoPrototypeKeys(v, depth + 1);
    }
  }
}

export function registerBodyParsers(app: FastifyInstance): void {
  // The API speaks JSON (and YAML); a text body is a 415, not a string that fails validation further on.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(
    ['application/yaml', 'application/x-yaml', 'text/yaml'],
    { parseAs: 'string' },
    (_req, body, done) => {
      try {
        // maxAliasCount guards against alias-expansion bombs ("billion laughs").
        const value: unknown = yaml().parse(body as string, { maxAliasCount: 50, prettyErrors: false });
        assertNoPrototypeKeys(value);
        done(null, value);
      } catch (error) {
        done(
          error instanceof AppError ? error : new AppError('INVALID_BODY', { detail: 'The body is not valid YAML' }),
          undefined,
        );
      }
    },
  );
}
