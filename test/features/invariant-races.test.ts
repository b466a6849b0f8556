/**
 * Rules that read before they write, raced (issue 23, "One write path for the directory"). On PostgreSQL two
 * requests really run side by side on two connections under READ COMMITTED, so a rule checked against what is
 * committed lets both through unless the changes are serialised (src/db/locks.ts); on SQLite the same tests
 * guard the rules themselves. Each race runs many rounds: one lucky interleaving proves nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtInRoleIds } from '../../src/features/access/permissions.ts';
import { countActiveAdmins } from '../../src/features/roles/roles.store.ts';
import { describeBothDialects, type Reply, startTestApp, type TestApp, unique } from '../harness.ts';
import { eventsOf, nextStep, passwordStep, totp, userWithTotp } from './mfa-helpers.ts';

const rounds = 20;
const password = 'race test password';

/** Two admins, signed in, and no other active admin: every earlier admin is disabled by the first of them. */
async function lastTwoAdmins(t: TestApp, actorToken: string, viaGroup?: string) {
  const grant = viaGroup ? { groupIds: [viaGroup] } : { roleIds: [builtInRoleIds.admin] };
  const ids: string[] = [];
  for (const name of [unique('adm'), unique('adm')]) {
    const r = await t.request('POST', '/api/admin/users', {
      token: actorToken,
      body: { username: name, password, ...grant },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    ids.push(r.body.id);
  }
  const [a, b] = ids as [string, string];
  const tokenA = await t.signIn((await user(t, a)).username, password);
  const tokenB = await t.signIn((await user(t, b)).username, password);
  for (const other of await activeAdminIds(t)) {
    if (other === a || other === b) continue;
    const off = await t.request('POST', `/api/admin/users/${other}/disable`, { token: tokenA });
    assert.equal(off.status, 200, JSON.stringify(off.body));
  }
  assert.equal(await countActiveAdmins(t.app.services.db, builtInRoleIds.admin), 2);
  return { a, b, tokenA, tokenB };
}

async function user(t: TestApp, id: string) {
  return t.app.services.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function activeAdminIds(t: TestApp): Promise<string[]> {
  const db = t.app.services.db;
  const direct = await db
    .selectFrom('user_roles')
    .select('user_id')
    .where('role_id', '=', builtInRoleIds.admin)
    .execute();
  const viaGroups = await db
    .selectFrom('group_members')
    .innerJoin('group_roles', 'group_roles.group_id', 'group_members.group_id')
    .select('group_members.user_id')
    .where('group_roles.role_id', '=', builtInRoleIds.admin)
    .execute();
  const ids = [...new Set([...direct, ...viaGroups].map((r) => r.user_id))];
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('id', 'in', ids)
    .where('status', '=', 'active')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Runs the two demotions at once, `rounds` times; each round leaves exactly one admin, who sets up the next. On
 * an app of its own: the first round disables the bootstrap admin, whose token the other tests use.
 */
async function raceDemotions(
  shared: TestApp,
  demote: (t: TestApp, actorToken: string, targetId: string, group: string | undefined) => Promise<Reply>,
  viaGroup = false,
): Promise<void> {
  const t = await startTestApp({ dialect: shared.dialect });
  try {
    await demotionRounds(t, demote, viaGroup);
  } finally {
    await t.close();
  }
}

async function demotionRounds(
  t: TestApp,
  demote: (t: TestApp, actorToken: string, targetId: string, group: string | undefined) => Promise<Reply>,
  viaGroup: boolean,
): Promise<void> {
  let actor = t.adminToken;
  let group: string | undefined;
  if (viaGroup) {
    const g = await t.request('POST', '/api/admin/groups', { token: actor, body: { name: unique('Admins') } });
    await t.request('PUT', `/api/admin/groups/${g.body.id}/roles`, {
      token: actor,
      body: { roleIds: [builtInRoleIds.admin] },
    });
    group = g.body.id as string;
  }
  for (let round = 0; round < rounds; round++) {
    const { a, b, tokenA, tokenB } = await lastTwoAdmins(t, actor, group);
    const [byA, byB] = await Promise.all([demote(t, tokenA, b, group), demote(t, tokenB, a, group)]);
    const left = await activeAdminIds(t);
    assert.equal(
      left.length,
      1,
      `round ${round}: ${byA.status} ${JSON.stringify(byA.body)} / ${byB.status} ${JSON.stringify(byB.body)}`,
    );
    const refused = [byA, byB].filter((r) => r.status >= 400);
    assert.equal(refused.length, 1, `round ${round}: one of the two is refused`);
    // Refused by the rule (LAST_ADMIN), or, when the other had already committed, at the gate (no longer an admin,
    // or disabled and so signed out).
    assert.ok(
      ['LAST_ADMIN', 'FORBIDDEN', 'UNAUTHENTICATED'].includes(refused[0]?.body.code),
      JSON.stringify(refused[0]?.body),
    );
    actor = left[0] === a ? tokenA : tokenB;
  }
}

describeBothDialects('invariants under concurrency', (tt) => {
  test('LAST_ADMIN: two concurrent demotions of the last two admins (user roles) leave exactly one admin', async () => {
    await raceDemotions(tt(), (t, token, target) =>
      t.request('PUT', `/api/admin/users/${target}/roles`, { token, body: { roleIds: [] } }),
    );
  });

  test('LAST_ADMIN: two concurrent removals of the last two admins from the Admin group leave exactly one admin', async () => {
    await raceDemotions(
      tt(),
      (t, token, target, group) => t.request('DELETE', `/api/admin/groups/${group}/members/${target}`, { token }),
      true,
    );
  });

  test('LAST_ADMIN: the last two admins disabling each other at once leave exactly one admin', async () => {
    await raceDemotions(tt(), (t, token, target) => t.request('POST', `/api/admin/users/${target}/disable`, { token }));
  });

  test('GROUP_CYCLE: two concurrent moves that would close a loop leave none, and no group is its own ancestor', async () => {
    const t = tt();
    const token = t.adminToken;
    const group = async (parentId?: string) => {
      const r = await t.request('POST', '/api/admin/groups', {
        token,
        body: { name: unique('G'), ...(parentId ? { parentId } : {}) },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.id as string;
    };
    const move = (id: string, parentId: string) =>
      t.request('PATCH', `/api/admin/groups/${id}`, { token, body: { parentId } });
    for (let round = 0; round < rounds; round++) {
      // A under B while B moves under A; and X under Y (Y below U) while U moves under V (V below X): the two
      // moves of the second pair touch four different rows, so locking only the rows involved would not do.
      const [a, b] = [await group(), await group()];
      const [x, u] = [await group(), await group()];
      const [y, v] = [await group(u), await group(x)];
      const answers = await Promise.all([move(a, b), move(b, a), move(x, y), move(u, v)]);
      for (const pair of [answers.slice(0, 2), answers.slice(2)]) {
        const statuses = pair.map((r) => r.status).sort();
        assert.deepEqual(statuses, [200, 409], `round ${round}: ${JSON.stringify(pair.map((r) => r.body))}`);
        assert.equal(pair.find((r) => r.status === 409)?.body.code, 'GROUP_CYCLE');
      }
      await assertNoCycle(t);
    }
  });

  test('lockout: 50 parallel wrong fresh proofs (password) check at most the threshold, and the lock engages', async () => {
    const t = tt();
    const { lockoutThreshold } = (await t.request('GET', '/api/admin/settings', { token: t.adminToken })).body;
    for (let round = 0; round < 3; round++) {
      const username = unique('prover');
      const id = await t.createUser({ username, password });
      const token = await t.signIn(username, password);
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          t.request('POST', '/api/me/mfa/totp', { token, body: { currentPassword: `wrong guess ${i}` } }),
        ),
      );
      const statuses = tally(answers);
      assert.ok((statuses[403] ?? 0) <= lockoutThreshold, `round ${round}: ${JSON.stringify(statuses)}`);
      assert.equal((statuses[403] ?? 0) + (statuses[429] ?? 0), 50, JSON.stringify(statuses));
      const failed = (await eventsOf(t, 'mfa.reauthenticate', id)).filter((e) => e.outcome === 'failure');
      assert.ok(failed.length <= lockoutThreshold, `${failed.length} wrong proofs were checked`);
      const right = await t.request('POST', '/api/me/mfa/totp', { token, body: { currentPassword: password } });
      assert.equal(right.status, 429, 'the lock engaged: the right password is refused too');
      assert.equal(right.body.code, 'LOGIN_LOCKED');
      const state = await t.request('GET', `/api/admin/users/${id}/lockout`, { token: t.adminToken });
      assert.equal(state.body.locked, true, JSON.stringify(state.body));
    }
  });

  test('lockout: 50 parallel wrong second-factor codes over ten mfaTokens check at most the threshold, and the lock engages', async () => {
    const t = tt();
    const { lockoutThreshold } = (await t.request('GET', '/api/admin/settings', { token: t.adminToken })).body;
    for (let round = 0; round < 3; round++) {
      const username = unique('guesser');
      const { userId, secret } = await userWithTotp(t, username, password);
      const tokens: string[] = [];
      for (let i = 0; i < 10; i++) tokens.push((await passwordStep(t, username, password)).mfaToken);
      const right = totp(secret, t.clock.now());
      const wrong = (i: number) => String((Number(right) + 1 + i) % 1_000_000).padStart(6, '0');
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          t.request('POST', '/api/auth/mfa', { body: { mfaToken: tokens[i % 10], method: 'totp', code: wrong(i) } }),
        ),
      );
      const statuses = tally(answers);
      assert.equal((statuses[401] ?? 0) + (statuses[429] ?? 0), 50, JSON.stringify(statuses));
      const checked = (await eventsOf(t, 'auth.mfa', userId)).filter((e) => e.outcome === 'failure');
      assert.ok(checked.length <= lockoutThreshold, `round ${round}: ${checked.length} codes checked`);
      assert.ok((statuses[429] ?? 0) >= 50 - lockoutThreshold, JSON.stringify(statuses));
      nextStep(t);
      const fresh = await passwordStep(t, username, password);
      const late = await t.request('POST', '/api/auth/mfa', {
        body: { mfaToken: fresh.mfaToken, method: 'totp', code: totp(secret, t.clock.now()) },
      });
      assert.equal(late.status, 429, 'the lock engaged: the right code is refused too');
    }
  });
});

function tally(answers: Reply[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const a of answers) out[a.status] = (out[a.status] ?? 0) + 1;
  return out;
}

/** Every group's parent chain ends at a root within the number of groups. */
async function assertNoCycle(t: TestApp): Promise<void> {
  const rows = await t.app.services.db.selectFrom('groups').select(['id', 'parent_id']).execute();
  const parent = new Map(rows.map((r) => [r.id, r.parent_id]));
  for (const start of parent.keys()) {
    let at: string | null | undefined = start;
    for (let steps = 0; at; steps++) {
      assert.ok(steps <= parent.size, `group ${start} is its own ancestor`);
      at = parent.get(at);
    }
  }
}
