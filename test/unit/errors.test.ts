/** Every error code is documented in docs/errors.md, and every documented code exists (fastify's errors.test.js). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { errorCodes } from '../../src/errors.ts';

test('docs/errors.md and src/errors.ts list the same codes with the same statuses', () => {
  const doc = readFileSync('docs/errors.md', 'utf8');
  const documented = new Map(
    [...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [String(m[1]), Number(m[2])]),
  );
  for (const [code, { status }] of Object.entries(errorCodes)) {
    assert.equal(documented.get(code), status, `${code} (${status}) is documented in docs/errors.md`);
  }
  for (const code of documented.keys())
    assert.ok(code in errorCodes, `${code} in docs/errors.md exists in src/errors.ts`);
});
