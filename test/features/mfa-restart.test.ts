/** The generated secret key survives a restart: TOTP seeds encrypted before it still decrypt after it. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openPostgres } from '../../src/db/postgres.ts';
import { startTestApp, testDialects } from '../harness.ts';
import { enrolTotp, passwordStep, totp } from './mfa-helpers.ts';

for (const dialect of testDialects()) {
  test(`a restart keeps <dataDir>/secret.key (0600) and every TOTP authenticator working [${dialect}]`, async () => {
    const first = await startTestApp({ dialect, keepData: true });
    const url = first.config.databaseUrl;
    try {
      await first.createUser({ username: 'keeper', password: 'keeper password' });
      const token = await first.signIn('keeper', 'keeper password');
      const { secret } = await enrolTotp(first, token, 'keeper password');
      await first.stop();
      const info = await stat(path.join(first.dataDir, 'secret.key'));
      assert.equal(info.mode & 0o777, 0o600);
      const second = await startTestApp({ dialect, dataDir: first.dataDir, ...(url ? { databaseUrl: url } : {}) });
      try {
        // A new app starts a new test clock: move past the step the enrolment used.
        second.clock.advance(30_000);
        const { mfaToken } = await passwordStep(second, 'keeper', 'keeper password');
        const code = totp(secret, second.clock.now());
        const r = await second.request('POST', '/api/auth/mfa', { body: { mfaToken, method: 'totp', code } });
        assert.equal(r.status, 200, JSON.stringify(r.body));
      } finally {
        await second.stop();
      }
      // Another key (a node started without the shared key): the factor fails closed, never a 500.
      const env = { GATEHOUSE_SECRET_KEY: randomBytes(32).toString('hex') };
      const third = await startTestApp({ dialect, dataDir: first.dataDir, env, ...(url ? { databaseUrl: url } : {}) });
      try {
        third.clock.advance(60_000);
        const { mfaToken } = await passwordStep(third, 'keeper', 'keeper password');
        const code = totp(secret, third.clock.now());
        const r = await third.request('POST', '/api/auth/mfa', { body: { mfaToken, method: 'totp', code } });
        assert.equal(r.status, 401);
      } finally {
        await third.stop();
      }
    } finally {
      if (url) {
        const admin = openPostgres(url.replace(/\/[^/]+$/, '/postgres'), 1);
        await sql`DROP DATABASE IF EXISTS ${sql.id(new URL(url).pathname.slice(1))} WITH (FORCE)`.execute(admin);
        await admin.destroy();
      }
      await rm(first.dataDir, { recursive: true, force: true });
    }
  });
}
