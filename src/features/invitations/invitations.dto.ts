/** The Invitation resource, and the public preview a token shows. */
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { type InvitationRow, namesOf, statusOf } from './invitations.store.ts';

const ref = z.object({ id: z.string(), name: z.string() });

export const invitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  status: z.enum(['pending', 'accepted', 'expired', 'revoked']),
  roles: z.array(ref),
  groups: z.array(ref),
  organizationId: z.string().nullable(),
  userId: z.string().nullable(),
  expiresAt: z.string(),
  invitedBy: z.string().nullable(),
  createdAt: z.string(),
  acceptedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type InvitationDto = z.infer<typeof invitationSchema>;

export const invitationPreviewSchema = z.object({
  email: z.string(),
  expiresAt: z.string(),
  roles: z.array(ref),
  groups: z.array(ref),
  organization: ref.nullable(),
});

/** What an invitation grants when accepted: exactly these, checked against its inviter when it was issued. */
export type InvitationGrants = { roleIds: string[]; groupIds: string[]; organizationId: string | null };

export function grantsOf(row: InvitationRow) {
  return {
    roleIds: JSON.parse(row.role_ids) as string[],
    groupIds: JSON.parse(row.group_ids) as string[],
    organizationId: row.organization_id,
  };
}

/** Turns rows into the resource, resolving role and group names in three queries for the whole page. */
export async function toInvitationDtos(db: Db, rows: InvitationRow[], now: string): Promise<InvitationDto[]> {
  const all = rows.map(grantsOf);
  const names = await namesOf(
    db,
    [...new Set(all.flatMap((g) => g.roleIds))],
    [...new Set(all.flatMap((g) => g.groupIds))],
    [],
  );
  const pick = (list: { id: string; name: string }[], ids: string[]) => list.filter((x) => ids.includes(x.id));
  return rows.map((row, i) => ({
    id: row.id,
    email: row.email,
    status: statusOf(row, now),
    roles: pick(names.roles, all[i]?.roleIds ?? []),
    groups: pick(names.groups, all[i]?.groupIds ?? []),
    organizationId: row.organization_id,
    userId: row.user_id,
    expiresAt: row.expires_at,
    invitedBy: row.invited_by,
    createdAt: row.created_at,
    acceptedAt: row.accepted_at,
    revokedAt: row.revoked_at,
  }));
}
