/** The `gatehouse` command run as a child process, against SQLite and a fresh PostgreSQL database. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testDialects } from '../harness.ts';
import { runCli as cli, cliDatabase } from '../support/cli.ts';

for (const dialect of testDialects()) {
  test(`gatehouse admin create, users create/list/disable/reset-password/delete, migrate [${dialect}]`, async () => {
    const { env, drop } = await cliDatabase(dialect);
    try {
      const created = await cli(
        env,
        ['admin', 'create', '--username', 'cli-admin', '--format', 'json'],
        'a good cli password\n',
      );
      assert.equal(created.code, 0, created.err);
      assert.equal(JSON.parse(created.out).role, 'Admin');
      const weak = await cli(env, ['admin', 'create', '--username', 'weak-admin'], 'password\n');
      assert.notEqual(weak.code, 0);
      assert.match(weak.err, /^gatehouse: .*too common/);
      assert.equal(weak.err.trim().split('\n').length, 1, 'a one-line reason');

      const badPhone = await cli(env, ['users', 'create', '--username', 'carol', '--phone', '12']);
      assert.notEqual(badPhone.code, 0);
      assert.match(badPhone.err, /phone/);
      const carol = await cli(env, [
        'users',
        'create',
        '--username',
        'carol',
        '--email',
        'carol@example.com',
        '--format',
        'json',
      ]);
      assert.equal(carol.code, 0, carol.err);
      const dup = await cli(env, ['users', 'create', '--username', 'CAROL']);
      assert.notEqual(dup.code, 0);
      assert.match(dup.err, /taken/);

      const list = await cli(env, ['users', 'list', '--format', 'json']);
      const users = JSON.parse(list.out) as Array<{ username: string; status: string; roles: string[] }>;
      assert.deepEqual(
        users.map((u) => u.username),
        ['carol', 'cli-admin'],
      );
      assert.deepEqual(users[1]?.roles, ['Admin']);
      const table = await cli(env, ['users', 'list', '-q', 'carol']);
      assert.match(table.out, /^id\s+username/);
      assert.match(table.out, /carol@example\.com/);

      assert.equal((await cli(env, ['users', 'disable', 'carol@example.com'])).code, 0);
      const after = JSON.parse((await cli(env, ['users', 'list', '--status', 'disabled', '--format', 'json'])).out);
      assert.deepEqual(
        after.map((u: { username: string }) => u.username),
        ['carol'],
      );
      const reset = await cli(env, ['users', 'reset-password', 'carol', '--generate']);
      assert.equal(reset.code, 0, reset.err);
      assert.match(reset.out.trim(), /^[A-Za-z0-9]{20}$/);
      assert.equal((await cli(env, ['users', 'delete', 'carol'])).code, 0);
      const missing = await cli(env, ['users', 'delete', 'carol']);
      assert.notEqual(missing.code, 0);
      assert.match(missing.err, /no user carol/);
      assert.match((await cli(env, ['migrate'])).out, /up to date/);
      const help = await cli(env, ['users', '--help']);
      assert.match(help.out, /reset-password/);
    } finally {
      await drop();
    }
  });
}
