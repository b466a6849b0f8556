/** Reads the roles a user holds: directly, through groups and their parents, and per organization. */
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

export type HeldRole = {
  roleId: string;
  roleName: string;
  permissions: string;
  /** 'direct', 'group' (with the chain from the user's group up to the granting group), or 'organization'. */
  via: 'direct' | 'group' | 'organization';
  groupChain: string | null;
  organizationId: string | null;
};

/**
 * One round trip: direct roles, roles granted by any group the user is in or by any ancestor of those groups
 * (a recursive walk up parent_id, bounded by depth against a cycle that slipped past validation),
 * and organization roles.
 */
export async function rolesHeldBy(db: Db, userId: string): Promise<HeldRole[]> {
  const result = await sql<{
    role_id: string;
    role_name: string;
    permissions: string;
    via: 'direct' | 'group' | 'organization';
    group_chain: string | null;
    organization_id: string | null;
  }>`
    WITH RECURSIVE chain(group_id, path, depth) AS (
      SELECT gm.group_id, g.name, 1 FROM group_members gm JOIN groups g ON g.id = gm.group_id WHERE gm.user_id = ${userId}
      UNION ALL
      SELECT g.parent_id, chain.path || ' > ' || p.name, chain.depth + 1
        FROM chain JOIN groups g ON g.id = chain.group_id JOIN groups p ON p.id = g.parent_id
        WHERE chain.depth < 32
    )
    SELECT r.id AS role_id, r.name AS role_name, r.permissions, 'direct' AS via,
           CAST(NULL AS TEXT) AS group_chain, CAST(NULL AS TEXT) AS organization_id
      FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = ${userId}
    UNION ALL
    SELECT r.id, r.name, r.permissions, 'group', chain.path, CAST(NULL AS TEXT)
      FROM chain JOIN group_roles gr ON gr.group_id = chain.group_id JOIN roles r ON r.id = gr.role_id
    UNION ALL
    SELECT r.id, r.name, r.permissions, 'organization', CAST(NULL AS TEXT), omr.organization_id
      FROM organization_member_roles omr JOIN roles r ON r.id = omr.role_id WHERE omr.user_id = ${userId}
  `.execute(db);
  return result.rows.map((r) => ({
    roleId: r.role_id,
    roleName: r.role_name,
    permissions: r.permissions,
    via: r.via,
    groupChain: r.group_chain,
    organizationId: r.organization_id,
  }));
}
