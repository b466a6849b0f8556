/**
 * `gatehouse oidc rotate-keys` (issue 25): signs with a new key per algorithm from the next start, keeps the old
 * ones in the JWKS for the retention, is audited, and refuses a retention shorter than an hour.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import { loadSecretKeys } from '../../src/crypto/secret-key.ts';
import { openDatabase } from '../../src/db/open.ts';
import { loadSigningKeys } from '../../src/features/oidc/oidc.keys.ts';
import { testDialects } from '../harness.ts';
import { runCli as cli, cliDatabase } from '../support/cli.ts';

/** `ALG\tkid` lines of the command's output, as a map. */
function currentOf(out: string): Record<string, string> {
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((line) => line.split('\t') as [string, string]),
  );
}

for (const dialect of testDialects()) {
  test(`gatehouse oidc rotate-keys: new signing keys, the old ones still published, audited [${dialect}]`, async () => {
    const { env, drop } = await cliDatabase(dialect);
    try {
      const refused = await cli(env, ['oidc', 'rotate-keys', '--retention-hours', '0']);
      assert.notEqual(refused.code, 0);
      assert.match(refused.err, /^gatehouse: --retention-hours/);
      const first = await cli(env, ['oidc', 'rotate-keys']);
      assert.equal(first.code, 0, first.err);
      const second = await cli(env, ['oidc', 'rotate-keys', '--retention-hours', '48']);
      assert.equal(second.code, 0, second.err);
      const [a, b] = [currentOf(first.out), currentOf(second.out)];
      assert.deepEqual(Object.keys(b).sort(), ['ES256', 'EdDSA', 'RS256']);
      for (const alg of Object.keys(b)) assert.notEqual(a[alg], b[alg], `${alg} signs with a new key`);

      const config = loadConfig({ ...env, GATEHOUSE_LOG_LEVEL: 'silent' });
      const { db } = openDatabase(config);
      try {
        const secret = loadSecretKeys({ secretKey: config.secretKey, dataDir: config.dataDir }).oidcKeys;
        const keys = await loadSigningKeys(db, secret, systemClock);
        assert.deepEqual(keys.current, b, 'the service signs with the newest keys');
        const published = keys.publicJwks.keys.map((k) => k.kid);
        for (const kid of [...Object.values(a), ...Object.values(b)]) assert.ok(published.includes(kid), kid);
        const events = await db
          .selectFrom('events')
          .select(['actor_name', 'details'])
          .where('action', '=', 'oidc.keys.rotate')
          .execute();
        assert.equal(events.length, 2);
        assert.ok(events.every((e) => e.actor_name === 'cli'));
        assert.doesNotMatch(events.map((e) => e.details).join(''), /"d":/, 'no private key part in the audit trail');
      } finally {
        await db.destroy();
      }
    } finally {
      await drop();
    }
  });
}
