/** `gatehouse import` and `gatehouse export` as child processes, against SQLite and a fresh PostgreSQL database. */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { testDialects } from '../harness.ts';
import { runCli as cli, cliDatabase } from '../support/cli.ts';

for (const dialect of testDialects()) {
  test(`gatehouse import (dry run, refused lines, re-run) and export [${dialect}]`, async () => {
    const db = await cliDatabase(dialect, 'gh-cli-bulk-');
    const { dataDir } = db;
    try {
      const file = path.join(dataDir, 'people.csv');
      await writeFile(file, 'username,email,groups\nann,ann@example.test,Staff;Ops\nben,not-an-email,\ncid,,Staff\n');
      const dry = await cli(db.env, ['import', file, '--dry-run', '--format', 'json']);
      assert.equal(dry.code, 0, dry.err);
      const report = JSON.parse(dry.out);
      assert.deepEqual([report.dryRun, report.created, report.refusedTotal], [true, 2, 1]);
      assert.equal(report.refused[0].line, 3);
      assert.equal(dry.err, '', 'no progress bar when stderr is not a terminal');
      const listed = JSON.parse((await cli(db.env, ['users', 'list', '--format', 'json'])).out);
      assert.equal(listed.length, 0, 'a dry run changes nothing');

      const real = await cli(db.env, ['import', file]);
      assert.equal(real.code, 0, real.err);
      assert.match(real.out, /created\s+updated/);
      assert.match(real.out, /3\s+email/);
      const again = JSON.parse((await cli(db.env, ['import', file, '--format', 'json'])).out);
      assert.deepEqual([again.created, again.updated, again.unchanged], [0, 0, 2]);

      const exported = await cli(db.env, ['export', '--format', 'csv']);
      assert.equal(exported.code, 0, exported.err);
      assert.match(exported.out, /^username,displayName,email/);
      assert.match(exported.out, /\nann,,ann@example\.test,.*Ops;Staff|\nann,,ann@example\.test,.*Staff;Ops/);
      const out = path.join(dataDir, 'dir.json');
      assert.equal((await cli(db.env, ['export', '--output', out])).code, 0);
      const doc = JSON.parse(await readFile(out, 'utf8'));
      assert.deepEqual(doc.groups.map((g: { name: string }) => g.name).sort(), ['Ops', 'Staff']);
      assert.equal(doc.users.length, 2);

      const bad = await cli(db.env, ['export', '--format', 'xml']);
      assert.notEqual(bad.code, 0);
      assert.equal(bad.err.trim().split('\n').length, 1);
      const missing = await cli(db.env, ['import', path.join(dataDir, 'nope.csv')]);
      assert.notEqual(missing.code, 0);
      assert.match(missing.err, /^gatehouse: .*nope\.csv/);
      assert.match((await cli(db.env, ['import', '--help'])).out, /--dry-run/);
      assert.match((await cli(db.env, ['export', '--help'])).out, /--format/);
    } finally {
      await db.drop();
    }
  });
}
