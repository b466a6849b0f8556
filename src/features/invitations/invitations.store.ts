/** SQL for invitations: the only place that reads and writes the invitations table. */
import type { ExpressionBuilder, Selectable } from 'kysely';
import type { Database, Db } from '../../db/database.ts';

export interface InvitationsTable {
  id: string;
  email: string;
  email_key: string;
  user_id: string | null;
  token_hash: string;
  role_ids: string;
  group_ids: string;
  organization_id: string | null;
  invited_by: string | null;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  revoked_at: string | null;
}
export type InvitationRow = Selectable<InvitationsTable>;

declare module '../../db/database.ts' {
  interface Database {
    invitations: InvitationsTable;
  }
}

export type InvitationStatus = 'pending' | 'accepted' | 'expired' | 'revoked';

export function statusOf(row: InvitationRow, now: string): InvitationStatus {
  if (row.accepted_at) return 'accepted';
  if (row.revoked_at) return 'revoked';
  return row.expires_at <= now ? 'expired' : 'pending';
}

function statusCondition(eb: ExpressionBuilder<Database, 'invitations'>, status: InvitationStatus, now: string) {
  if (status === 'accepted') return eb('accepted_at', 'is not', null);
  if (status === 'revoked') return eb.and([eb('accepted_at', 'is', null), eb('revoked_at', 'is not', null)]);
  const open = [eb('accepted_at', 'is', null), eb('revoked_at', 'is', null)];
  return eb.and([...open, status === 'pending' ? eb('expires_at', '>', now) : eb('expires_at', '<=', now)]);
}

export async function insertInvitation(db: Db, row: InvitationsTable): Promise<void> {
  await db.insertInto('invitations').values(row).execute();
}

export async function findInvitation(db: Db, id: string): Promise<InvitationRow | undefined> {
  return db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findPendingByToken(db: Db, tokenHash: string, now: string): Promise<InvitationRow | undefined> {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where((eb) => statusCondition(eb, 'pending', now))
    .executeTakeFirst();
}

/** Marks a pending invitation accepted; true for exactly one caller however many race for the same token. */
export async function markAccepted(db: Db, id: string, tokenHash: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('invitations')
    .set({ accepted_at: now })
    .where('id', '=', id)
    .where('token_hash', '=', tokenHash)
    .where((eb) => statusCondition(eb, 'pending', now))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function updateInvitation(db: Db, id: string, values: Partial<InvitationsTable>): Promise<void> {
  await db.updateTable('invitations').set(values).where('id', '=', id).execute();
}

/** Revokes the open (pending or expired) invitations of a placeholder user before it is invited again. */
export async function revokeOpenOf(db: Db, userId: string, now: string): Promise<void> {
  await db
    .updateTable('invitations')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function countOpenOf(db: Db, userId: string, now: string): Promise<number> {
  const row = await db
    .selectFrom('invitations')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('user_id', '=', userId)
    .where((eb) => statusCondition(eb, 'pending', now))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export type InvitationFilter = { status?: InvitationStatus | undefined; organizations?: string[] | undefined };

function filtered(db: Db, filter: InvitationFilter, now: string) {
  let query = db.selectFrom('invitations');
  const status = filter.status;
  if (status) query = query.where((eb) => statusCondition(eb, status, now));
  const orgs = filter.organizations;
  if (orgs) query = orgs.length ? query.where('organization_id', 'in', orgs) : query.where('id', '=', '');
  return query;
}

export async function listInvitations(
  db: Db,
  filter: InvitationFilter,
  now: string,
  limit: number,
  cursor: { value: string; id: string } | undefined,
): Promise<InvitationRow[]> {
  let query = filtered(db, filter, now).selectAll();
  if (cursor) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', cursor.value),
        eb.and([eb('created_at', '=', cursor.value), eb('id', '<', cursor.id)]),
      ]),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export async function countInvitations(db: Db, filter: InvitationFilter, now: string): Promise<number> {
  const row = await filtered(db, filter, now)
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Names of roles, groups and organizations an invitation refers to (those that still exist). */
export async function namesOf(db: Db, roleIds: string[], groupIds: string[], orgIds: string[]) {
  const [roles, groups, orgs] = await Promise.all([
    roleIds.length ? db.selectFrom('roles').select(['id', 'name']).where('id', 'in', roleIds).execute() : [],
    groupIds.length ? db.selectFrom('groups').select(['id', 'name']).where('id', 'in', groupIds).execute() : [],
    orgIds.length ? db.selectFrom('organizations').select(['id', 'name']).where('id', 'in', orgIds).execute() : [],
  ]);
  return { roles, groups, orgs };
}
