/**
 * The write path's batch mode, for the import: the same rules as the row-by-row methods (bulk-import.row.ts asks
 * directory.rules.ts for each row before anything is written, and an existing user is changed only once `admit`
 * has checked scope and outrank), with the writes grouped so a batch of 5,000 rows costs a few multi-row
 * statements. The batch records one audit event per changed user in the same transaction (insertEvents).
 */
import type { Db, UserRow, UsersTable } from '../../db/database.ts';
import type { Caller } from '../access/caller.ts';
import type { Permission } from '../access/permissions.ts';
import { assertMayChange } from './directory.rules.ts';
import * as store from './directory.store.ts';
import type { Changeable } from './user-writes.ts';

export type NewMemberships = Parameters<typeof store.insertMemberships>[1];

export class ImportBatchWrites {
  /** An existing user, already read with the batch, that the caller may change: scope, then outrank. */
  async admit(db: Db, caller: Caller, row: UserRow, permission: Permission): Promise<Changeable> {
    await assertMayChange(db, caller, row, permission);
    return row as Changeable;
  }

  /** The batch's new users and their memberships (escalation was refused row by row before they were planned). */
  async insertNew(trx: Db, users: UsersTable[], memberships: NewMemberships): Promise<void> {
    await store.insertUsers(trx, users);
    await store.insertMemberships(trx, memberships);
  }

  /** Changes an admitted user's columns; the caller rebuilt its search text from the row. */
  async update(trx: Db, user: Changeable, fields: Partial<UsersTable>): Promise<void> {
    await store.updateUserRow(trx, user.id, fields);
  }

  /** Adds memberships to an admitted user; answers how many were new. */
  async addMemberships(
    trx: Db,
    user: Changeable,
    m: { groupIds: string[]; roleIds: string[]; organizationIds: string[] },
    at: string,
  ): Promise<number> {
    return store.addMemberships(trx, user.id, m.groupIds, m.roleIds, m.organizationIds, at);
  }
}
