/**
 * What an invitation grants is checked against its inviter when issued and applied by services.grants when
 * accepted (src/features/access/grants.service.ts). This file holds the one step the grants service has no
 * call for: emptying a placeholder user's access before acceptance applies the invitation's set, so the
 * accepted account holds EXACTLY what the invitation says (authentik CVE-2022-23555), whatever was added to the
 * placeholder in between (an earlier invitation's organization, an admin's edit).
 */
import type { Db } from '../../db/database.ts';

export type InvitationGrants = { roleIds: string[]; groupIds: string[]; organizationId: string | null };

/** Removes every role, group and organization membership of a still-invited placeholder user. */
export async function clearPlaceholderAccess(trx: Db, userId: string): Promise<void> {
  await trx.deleteFrom('user_roles').where('user_id', '=', userId).execute();
  await trx.deleteFrom('group_members').where('user_id', '=', userId).execute();
  await trx.deleteFrom('organization_member_roles').where('user_id', '=', userId).execute();
  await trx.deleteFrom('organization_members').where('user_id', '=', userId).execute();
}
