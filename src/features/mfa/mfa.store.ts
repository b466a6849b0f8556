/**
 * SQL for second factors. Every single-use step is one conditional UPDATE whose row count decides: a TOTP step
 * later than the last one, an unused recovery code, a pending login with tries left. Under any concurrency exactly
 * one caller sees the row change (Keycloak CVE-2026-1035).
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { prepared } from '../../db/prepared.ts';

export interface MfaAuthenticatorsTable {
  id: string;
  user_id: string;
  type: string;
  secret_enc: string | null;
  label: string | null;
  confirmed_at: string | null;
  last_used_step: number | null;
  last_used_at: string | null;
  created_at: string;
}

export interface MfaRecoveryCodesTable {
  id: string;
  user_id: string;
  code_hash: string;
  used_at: string | null;
  created_at: string;
}

export interface MfaPendingTable {
  id: string;
  user_id: string;
  purpose: string;
  token_hash: string;
  attempts: number;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface MfaCodesTable {
  id: string;
  user_id: string;
  purpose: string;
  ref: string;
  code_hash: string;
  attempts: number;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

declare module '../../db/database.ts' {
  interface Database {
    mfa_authenticators: MfaAuthenticatorsTable;
    mfa_recovery_codes: MfaRecoveryCodesTable;
    mfa_pending: MfaPendingTable;
    mfa_codes: MfaCodesTable;
  }
}

export type AuthenticatorRow = MfaAuthenticatorsTable;
export type PendingRow = MfaPendingTable;

export async function insertAuthenticator(db: Db, row: AuthenticatorRow): Promise<void> {
  await db.insertInto('mfa_authenticators').values(row).execute();
}

const authenticatorsOf = prepared<{ userId: string }, AuthenticatorRow>(['userId'], (db, { userId }) =>
  db.selectFrom('mfa_authenticators').selectAll().where('user_id', '=', userId).orderBy('created_at'),
);

/** Read at every sign-in (the factors decide whether a second step follows). */
export async function listAuthenticators(db: Db, userId: string): Promise<AuthenticatorRow[]> {
  return authenticatorsOf.all(db, { userId });
}

export async function findAuthenticator(db: Db, userId: string, id: string): Promise<AuthenticatorRow | undefined> {
  return db
    .selectFrom('mfa_authenticators')
    .selectAll()
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function confirmAuthenticator(db: Db, id: string, at: string, step: number | null): Promise<boolean> {
  const r = await db
    .updateTable('mfa_authenticators')
    .set({ confirmed_at: at, last_used_step: step, last_used_at: at })
    .where('id', '=', id)
    .where('confirmed_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Claims a TOTP step: true for exactly one caller, and only if `step` is later than any step used before. */
export async function claimTotpStep(db: Db, id: string, step: number, at: string): Promise<boolean> {
  const r = await db
    .updateTable('mfa_authenticators')
    .set({ last_used_step: step, last_used_at: at })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function touchAuthenticator(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('mfa_authenticators').set({ last_used_at: at }).where('id', '=', id).execute();
}

export async function deleteAuthenticator(db: Db, userId: string, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom('mfa_authenticators')
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** Drops enrolments never confirmed, so at most one waits at a time. */
export async function deleteUnconfirmed(db: Db, userId: string, type: string): Promise<void> {
  await db
    .deleteFrom('mfa_authenticators')
    .where('user_id', '=', userId)
    .where('type', '=', type)
    .where('confirmed_at', 'is', null)
    .execute();
}

export async function replaceRecoveryCodes(db: Db, userId: string, rows: MfaRecoveryCodesTable[]): Promise<void> {
  await db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
  if (rows.length) await db.insertInto('mfa_recovery_codes').values(rows).execute();
}

export async function countUnusedRecoveryCodes(db: Db, userId: string): Promise<number> {
  const r = await db
    .selectFrom('mfa_recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function claimRecoveryCode(db: Db, userId: string, codeHash: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('mfa_recovery_codes')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertPending(db: Db, row: PendingRow): Promise<void> {
  // The user's finished or expired sign-ins go here, so the table holds only what is live.
  await db
    .deleteFrom('mfa_pending')
    .where('user_id', '=', row.user_id)
    .where((eb) => eb.or([eb('expires_at', '<=', row.created_at), eb('used_at', 'is not', null)]))
    .execute();
  await db.insertInto('mfa_pending').values(row).execute();
}

export async function findPending(db: Db, tokenHash: string): Promise<PendingRow | undefined> {
  return db.selectFrom('mfa_pending').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/**
 * Spends one try of a live single-use row (a pending login or a one-time code); false when it is used, expired or
 * out of tries. One conditional UPDATE, so parallel attempts never spend more tries than there are.
 */
async function spendTry(
  db: Db,
  table: 'mfa_pending' | 'mfa_codes',
  id: string,
  now: string,
  maxTries: number,
): Promise<boolean> {
  const r = await sql`UPDATE ${sql.table(table)} SET attempts = attempts + 1
    WHERE id = ${id} AND used_at IS NULL AND expires_at > ${now} AND attempts < ${maxTries}`.execute(db);
  return Number(r.numAffectedRows) === 1;
}

/** Marks a single-use row used; of parallel callers only the first gets true. */
async function consume(db: Db, table: 'mfa_pending' | 'mfa_codes', id: string, at: string): Promise<boolean> {
  const r = await sql`UPDATE ${sql.table(table)} SET used_at = ${at} WHERE id = ${id} AND used_at IS NULL`.execute(db);
  return Number(r.numAffectedRows) === 1;
}

/** Spends one try of a live pending login; false when it is used, expired or out of tries. */
export function spendPendingTry(db: Db, id: string, now: string, maxTries: number): Promise<boolean> {
  return spendTry(db, 'mfa_pending', id, now, maxTries);
}

export function consumePending(db: Db, id: string, at: string): Promise<boolean> {
  return consume(db, 'mfa_pending', id, at);
}

export async function insertCode(db: Db, row: MfaCodesTable): Promise<void> {
  // A new code replaces every earlier one of the same purpose; spent and expired ones go with them.
  await db.deleteFrom('mfa_codes').where('user_id', '=', row.user_id).where('purpose', '=', row.purpose).execute();
  await db.insertInto('mfa_codes').values(row).execute();
}

export async function latestCode(
  db: Db,
  userId: string,
  purpose: string,
  ref: string,
): Promise<MfaCodesTable | undefined> {
  return db
    .selectFrom('mfa_codes')
    .selectAll()
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('ref', '=', ref)
    .where('used_at', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export function spendCodeTry(db: Db, id: string, now: string, maxTries: number): Promise<boolean> {
  return spendTry(db, 'mfa_codes', id, now, maxTries);
}

export function consumeCode(db: Db, id: string, at: string): Promise<boolean> {
  return consume(db, 'mfa_codes', id, at);
}
