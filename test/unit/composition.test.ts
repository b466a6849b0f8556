/**
 * Fail closed by construction (issue 23, docs/architecture.md): every gate a service relies on is a required
 * constructor argument. The `@ts-expect-error` lines below are the type test: each builds a service without one
 * gate, and `npm test`'s typecheck fails if that ever compiles again (an unused `@ts-expect-error` is an error).
 * The runtime tests check that the app's own composition wires every gate, and that no hook or optional gate
 * call has come back into the sources.
 */
// biome-ignore-all lint/complexity/useLiteralKeys: the gates are private fields, read by name on purpose.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ManualClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import type { Db } from '../../src/db/database.ts';
import { openDatabase } from '../../src/db/open.ts';
import type { Caller } from '../../src/features/access/caller.ts';
import { AuthService } from '../../src/features/auth/auth.service.ts';
import type { SignInSessions } from '../../src/features/auth/sign-in-session.ts';
import type { AccessWrites } from '../../src/features/directory/access-writes.ts';
import type { UserWrites } from '../../src/features/directory/user-writes.ts';
import { MeService } from '../../src/features/me/me.service.ts';
import type { SessionsService } from '../../src/features/sessions/sessions.service.ts';
import type { SettingsService } from '../../src/features/settings/settings.service.ts';
import { SettingsService as Settings } from '../../src/features/settings/settings.service.ts';
import { UsersService } from '../../src/features/users/users.service.ts';
import type { MailService } from '../../src/mail/mail.service.ts';
import { createServices } from '../../src/services.ts';
import { rel, sourceFiles } from './source-files.ts';

/** Compiled, never run: each line leaves out one gate and must not type-check. */
export function withoutAGate(
  db: Db,
  clock: ManualClock,
  sessions: SessionsService,
  settings: SettingsService,
  users: UsersService,
  mail: MailService,
  writes: UserWrites,
  access: AccessWrites,
  signIns: SignInSessions,
): unknown[] {
  const throttle = (() => {
    throw new Error('not run');
  }) as never;
  return [
    // @ts-expect-error the password sign-in without its second-factor step
    new AuthService(db, clock, sessions, signIns, writes, throttle),
    // @ts-expect-error the password sign-in without the lockout counters
    new AuthService(db, clock, sessions, signIns, writes),
    // @ts-expect-error a password change without the lockout counters
    new MeService(db, clock, sessions, settings, users, mail, writes),
    // @ts-expect-error the users service without the write path's grants
    new UsersService(db, 'sqlite', clock, settings, writes),
    // @ts-expect-error the settings without the default-group check
    new Settings(db, clock),
    void access,
  ];
}

/** Compiled, never run: a row loaded for reading (scope only, no outrank) is not one the write path changes. */
export async function readRowsAreNotChangeable(db: Db, writes: UserWrites, caller: Caller): Promise<void> {
  const read = await writes.loadFor(db, caller, 'id', 'users:read');
  // @ts-expect-error users:read checks no rank: its row cannot be handed to a change
  await writes.change(db, caller.actor, read, {}, { action: 'x' });
  const controlled = await writes.loadFor(db, caller, 'id', 'users:write');
  await writes.change(db, caller.actor, controlled, {}, { action: 'x' });
}

test('the running app wires every gate: each is a function or a service, none missing', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gh-composition-'));
  const config = loadConfig({ GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_LOG_LEVEL: 'silent' });
  const { db, dialect } = openDatabase(config);
  try {
    const s = createServices({ config, db, dialect, clock: new ManualClock() });
    // Private fields read by name: the gates each service was built with.
    const gates: [string, unknown][] = [
      ['auth.throttle', s.auth['throttle']],
      ['auth.secondFactor', s.auth['secondFactor']],
      ['auth.signIns', s.auth['signIns']],
      ['me.throttle', s.me['throttle']],
      ['me.writes', s.me['writes']],
      ['email.throttle', s.email['throttle']],
      ['registration.throttle', s.registration['throttle']],
      ['mfa.notifier', s.mfa['notifier']],
      ['mfa.throttle', s.mfa['throttle']],
      ['mfaLogin.throttle', s.mfaLogin['throttle']],
      ['users.writes', s.users['writes']],
      ['users.accessWrites', s.users['accessWrites']],
      ['groups.access', s.groups['access']],
      ['roles.access', s.roles['access']],
      ['organizations.access', s.organizations['access']],
      ['importer.writes', s.importer['writes']],
      ['lifecycle.writes', s.lifecycle['writes']],
      ['settings.groupExists', s.settings['groupExists']],
    ];
    const missing = gates.filter(([, v]) => typeof v !== 'function' && (typeof v !== 'object' || v === null));
    assert.deepEqual(
      missing.map(([name]) => name),
      [],
    );
    assert.equal(s.users['writes'], s.lifecycle['writes'], 'one UserWrites serves every door');
    assert.equal(s.users['accessWrites'], s.groups['access'], 'one AccessWrites serves every door');
  } finally {
    await db.destroy();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('no service has a setter hook or calls a gate optionally (attach*/set*, this.gate?.())', () => {
  const found: string[] = [];
  for (const file of sourceFiles(path.resolve(import.meta.dirname, '../../src/features'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\s+(attach[A-Z]\w*|set(?:Notifier|AccessGrants|Throttle)\w*|addValidator)\(/gm))
      found.push(`${rel(file)}: ${m[1]}()`);
    for (const m of text.matchAll(/this\.(\w+)\?\.\(/g)) found.push(`${rel(file)}: this.${m[1]}?.()`);
  }
  assert.deepEqual(found, [], found.join('\n'));
});
