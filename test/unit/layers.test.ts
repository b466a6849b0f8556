/**
 * Dependencies point down (docs/architecture.md, issue 23): base < data < kernel < write path < entities <
 * composites < edge. A file imports its own layer or lower ones; the layer follows from the path, here.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rel, relativeImports, sourceFiles } from './source-files.ts';

const base = new Set([
  'src/clock.ts',
  'src/config.ts',
  'src/errors.ts',
  'src/logger.ts',
  'src/deps.ts',
  'src/lazy-require.ts',
  'src/http/pagination.ts',
  'src/http/json-value.ts',
]);
const kernel = new Set([
  'events/events.service.ts',
  'access/caller.ts',
  'access/access.service.ts',
  'access/escalation.ts',
  'access/outrank.ts',
  'access/last-admin.ts',
]);
const data = new Set([
  'access/permissions.ts',
  'users/users.search.ts',
  'users/users.validation.ts',
  'lockout/lockout.counters.ts',
]);
const entities = new Set(['users', 'groups', 'roles', 'organizations', 'settings', 'sessions', 'api-keys', 'lockout']);
const names = ['base', 'data', 'kernel', 'write path', 'entities', 'composites', 'edge'] as const;

export function layerOf(file: string): number {
  if (base.has(file) || /^src\/(crypto|db|cache)\//.test(file)) return 0;
  if (/\.(routes|plugin|http)\.ts$/.test(file) || /\.services\.ts$|\/account-services\.ts$/.test(file)) return 6;
  const feature = /^src\/features\/([^/]+)\/(.+)$/.exec(file);
  if (feature) {
    const [, name, rest] = feature as unknown as [string, string, string];
    const inFeature = `${name}/${rest}`;
    if (name === 'health' || name === 'console') return 6;
    if (/\.(store|schema|dto)\.ts$/.test(rest) || data.has(inFeature) || name === 'passwords') return 1;
    if (kernel.has(inFeature)) return 2;
    if (name === 'directory') return 3;
    if (entities.has(name)) return 4;
    return 5;
  }
  if (/^src\/(mail|sms)\//.test(file)) return 4;
  return 6;
}

test('every import points to the same layer or a lower one (docs/architecture.md)', () => {
  const upward: string[] = [];
  for (const file of sourceFiles()) {
    const from = rel(file);
    for (const to of relativeImports(file)) {
      if (layerOf(to) > layerOf(from)) {
        upward.push(`${from} (${names[layerOf(from)]}) imports ${to} (${names[layerOf(to)]})`);
      }
    }
  }
  assert.deepEqual(upward, [], upward.join('\n'));
});

test('the layer rule can fail: an entity service importing the wiring is caught', () => {
  const file = `${process.cwd()}/src/features/users/users.service.ts`;
  const imports = relativeImports(file, "import type { Services } from '../../services.ts';\n");
  assert.deepEqual(imports, ['src/services.ts']);
  assert.ok(layerOf('src/services.ts') > layerOf('src/features/users/users.service.ts'));
  assert.equal(layerOf('src/features/directory/user-writes.ts'), 3);
  assert.equal(layerOf('src/features/groups/groups.store.ts'), 1);
  assert.equal(layerOf('src/features/access/grants.service.ts'), 5);
  assert.equal(layerOf('src/features/scim/scim.routes.ts'), 6);
});
