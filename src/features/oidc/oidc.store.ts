/** SQL for the OpenID Connect provider's artifacts: the only place that reads and writes oidc_payloads. */
import type { Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';

export interface OidcPayloadsTable {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  account_id: string | null;
  client_id: string | null;
  consumed_at: string | null;
  expires_at: string | null;
}

declare module '../../db/database.ts' {
  interface Database {
    oidc_payloads: OidcPayloadsTable;
  }
}

export type OidcPayloadRow = Selectable<OidcPayloadsTable>;
/** What a lookup answers: the payload and when it was consumed. */
export type StoredPayload = Pick<OidcPayloadRow, 'payload' | 'consumed_at'>;

/** Writes an artifact, replacing an earlier version of it; a consumed artifact stays consumed. */
export async function upsertPayload(db: Db, row: Omit<OidcPayloadRow, 'consumed_at'>): Promise<void> {
  const { model: _model, id: _id, ...changed } = row;
  await db
    .insertInto('oidc_payloads')
    .values({ ...row, consumed_at: null })
    .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(changed))
    .execute();
}

type Key = { column: 'id' | 'uid' | 'user_code'; value: string };

/** The live artifact of `model` whose `column` is `value`: none once it has expired at `now`. */
export async function findPayload(db: Db, model: string, key: Key, now: string): Promise<StoredPayload | undefined> {
  return db
    .selectFrom('oidc_payloads')
    .select(['payload', 'consumed_at'])
    .where('model', '=', model)
    .where(key.column, '=', key.value)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
}

/**
 * Marks a live artifact consumed, in one statement that only an unconsumed row matches: of two redemptions at
 * once, one changes the row and the other changes nothing. True for the one that did.
 */
export async function consumePayload(db: Db, model: string, id: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('oidc_payloads')
    .set({ consumed_at: now })
    .where('model', '=', model)
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function deletePayload(db: Db, model: string, id: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('model', '=', model).where('id', '=', id).execute();
}

export async function deletePayloadsOfGrant(db: Db, model: string, grantId: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('grant_id', '=', grantId).where('model', '=', model).execute();
}

/** Deletes every artifact issued to a client (its grants, codes, tokens): the client itself is going. */
export async function deletePayloadsOfClient(db: Db, clientId: string): Promise<number> {
  const r = await db.deleteFrom('oidc_payloads').where('client_id', '=', clientId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Deletes every artifact expired at `now`; answers how many went. */
export async function deleteExpiredPayloads(db: Db, now: string): Promise<number> {
  const r = await db.deleteFrom('oidc_payloads').where('expires_at', '<=', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The live artifacts of `model` held by an account (its grants, its refresh tokens), soonest to expire first. */
export async function listPayloadsOfAccount(
  db: Db,
  model: string,
  accountId: string,
  now: string,
): Promise<OidcPayloadRow[]> {
  return db
    .selectFrom('oidc_payloads')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('model', '=', model)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('expires_at')
    .orderBy('id')
    .limit(1000)
    .execute();
}
