// The console is type-checked against console/src/api/schema.d.ts, generated from the server's OpenAPI document:
// a route or field the console uses that the server does not declare fails here, not in a browser.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('the console type-checks against the API schema generated from the server', () => {
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '--noEmit', '-p', path.join(root, 'console/tsconfig.json')], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, `tsc -p console found errors:\n${result.stdout}${result.stderr}`);
});

test('the generated API types are in step with the server (run `npm run gen:api` after changing routes)', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/gen-api-types.mjs', '--check'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
});
