import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { migrations } from '../../src/db/migrations/index.ts';

test('every migration file is in the list the service runs (the bundle cannot read the folder)', () => {
  const folder = fileURLToPath(new URL('../../src/db/migrations/', import.meta.url));
  const files = readdirSync(folder)
    .filter((f) => /^\d{4}-.+\.ts$/.test(f))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  assert.deepEqual(Object.keys(migrations).sort(), files);
});
