/**
 * Keeps users.search_text in step with what `q` searches: the user's own fields and the names of its groups,
 * roles (direct or through groups and their parents) and organizations. Called inside the transaction of any
 * change to those, so search results are right as soon as the change commits.
 */

import type { Db } from '../../db/database.ts';
import { rolesHeldBy } from '../access/access.store.ts';
import { buildSearchText } from '../users/users.search.ts';
import { findUserById, membershipNamesOf } from '../users/users.store.ts';
import { updateUserRow } from './directory.store.ts';

export async function refreshSearchText(db: Db, userIds: readonly string[]): Promise<void> {
  for (const id of new Set(userIds)) {
    const row = await findUserById(db, id);
    if (!row) continue;
    const roles = (await rolesHeldBy(db, id)).map((r) => r.roleName);
    const names = await membershipNamesOf(db, id);
    const own = [row.username, row.display_name, row.email, row.department];
    const text = buildSearchText([...own, ...new Set([...names, ...roles])]);
    if (text !== row.search_text) await updateUserRow(db, id, { search_text: text });
  }
}
