/**
 * Bulk import. Rows stream in and are applied in batches of `batchSize`, each batch one transaction holding its
 * rows' changes and their audit events (one `user.import.create|update` event per changed user, one `group.create`
 * per created group), so memory stays bounded and a failure loses at most the batch in flight.
 * A dry run applies the batches the same way in one transaction and rolls it back: the counts are what a real run
 * would do.
 */

import { type Kysely, sql } from 'kysely';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/database.ts';
import { dialectOf } from '../../db/dialect.ts';
import { AppError } from '../../errors.ts';
import { scopeOf } from '../access/access.service.ts';
import type { Caller } from '../access/caller.ts';
import { lockAdmins } from '../access/last-admin.ts';
import type { Permission } from '../access/permissions.ts';
import type { ImportBatchWrites } from '../directory/import-batch-writes.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import type { UsersService } from '../users/users.service.ts';
import type { ImportSource, NumberedRecord } from './bulk-import.parse.ts';
import {
  applyRow,
  finishBatch,
  groupIdFor,
  type RowContext,
  RowRefused,
  startBatch,
  validateRow,
} from './bulk-import.row.ts';
import type { ImportResult, ImportRow } from './bulk-import.schema.ts';
import { importGroupSchema } from './bulk-import.schema.ts';
import { loadNameIndex } from './bulk-import.store.ts';

/**
 * Rows per transaction. Each commit of a batch costs a WAL sync and a pass over the pages it touched: at 1,000 rows
 * a 1,000,000-row SQLite import spent ~20 % of its time committing (96 s; 80 s at 5,000, measured 2026-12-02). The
 * batch's login-key lookup (findUsersByLoginKeys) binds a username and an email per row, each twice: 20,000
 * parameters at 5,000 rows, below SQLite's 32,766 (10,000 rows fails).
 */
export const batchSize = 5000;
/** Imports changing at least this many users refresh PostgreSQL's planner statistics when they end. */
const analyzeAfterRows = 1000;
/** The answer lists at most this many refused rows (refusedTotal counts them all). */
const maxRefusedListed = 1000;

/** Thrown to roll the dry run's transaction back; it carries the counts out. */
class DryRunRollback extends Error {
  constructor(readonly result: ImportResult) {
    super('dry run');
  }
}

/** Runs one batch's work in a transaction. */
type InBatch = (work: (trx: Db) => Promise<void>) => Promise<void>;

export type ImportOptions = { dryRun: boolean; onProgress?: (rowsDone: number) => void };

export class ImportService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly settings: SettingsService,
    private readonly users: UsersService,
    private readonly writes: ImportBatchWrites,
  ) {}

  async run(caller: Caller, source: ImportSource, options: ImportOptions): Promise<ImportResult> {
    assertDirectoryWide(caller);
    // Read before the dry run's transaction: on SQLite that transaction holds the one connection until it ends.
    const settings = await this.settings.get();
    if (!options.dryRun)
      return this.apply(caller, source, options, settings, (work) => this.db.transaction().execute(work));
    // A dry run is one transaction for the whole file, rolled back at the end: a later batch sees the users an
    // earlier one wrote, as in the real run (a batch rolled back on its own hid them, and a user named in two
    // batches counted as two creations). On SQLite it holds the one connection until it ends, so the server's other
    // requests wait for the whole dry run, not for one batch at a time as in a real run (docs/import-export.md).
    return this.db
      .transaction()
      .execute(async (trx) => {
        // One transaction for every batch: any lock a batch needs is taken here, first (see flush below).
        await lockAdmins(trx);
        throw new DryRunRollback(await this.apply(caller, source, options, settings, (work) => work(trx)));
      })
      .catch((error: unknown) => {
        if (error instanceof DryRunRollback) return error.result;
        throw error;
      });
  }

  /** The import, each batch run by `inBatch`: a transaction of its own, or the dry run's one. */
  private async apply(
    caller: Caller,
    source: ImportSource,
    options: ImportOptions,
    settings: RowContext['settings'],
    inBatch: InBatch,
  ): Promise<ImportResult> {
    const result: ImportResult = {
      dryRun: options.dryRun,
      created: 0,
      updated: 0,
      unchanged: 0,
      refused: [],
      refusedTotal: 0,
    };
    if (source.groups.length)
      await this.batch(inBatch, (ctx) => this.applyGroups(ctx, source.groups), settings, caller);
    let pending: NumberedRecord[] = [];
    let done = 0;
    const flush = async () => {
      const rows = pending;
      pending = [];
      // A row that sets a status may disable an administrator: the batch then takes the admins lock as its first
      // statement (last-admin.ts), not in the middle after other rows' writes, where it could deadlock with a
      // change holding that lock and waiting for one of those rows.
      const mayDisable = rows.some(({ record }) => record.status !== undefined && record.status !== '');
      await this.batch(inBatch, (ctx) => this.applyRows(ctx, rows, result), settings, caller, mayDisable);
      done += rows.length;
      options.onProgress?.(done);
    };
    for await (const record of source.users) {
      pending.push(record);
      if (pending.length >= batchSize) await flush();
    }
    if (pending.length) await flush();
    // Rows are validated before they are applied, so refusals of one batch arrive out of file order.
    result.refused.sort((a, b) => a.line - b.line);
    if (!options.dryRun) await this.refreshPlannerStatistics(result.created + result.updated);
    return result;
  }

  /**
   * After a bulk load PostgreSQL still plans with the table sizes it knew before (none, on a new database) until
   * autovacuum gets to it: every list at 1,000,000 users then ran as a sequential scan and a sort (p50 ~95 ms, not
   * ~8 ms). A large import refreshes the statistics itself, and vacuums: that sets the visibility map, without
   * which counting a group's members (up to 10,001 index entries) cannot be an index-only scan and ran as a
   * sequential scan of the memberships (~35 ms at 1,000,000 users; ~3 ms after; VACUUM took 1.3 s there).
   * SQLite's planner needs none of it for these queries.
   */
  private async refreshPlannerStatistics(changed: number): Promise<void> {
    if (changed < analyzeAfterRows || dialectOf(this.db as unknown as Kysely<unknown>) !== 'postgres') return;
    await sql`VACUUM (ANALYZE) users, user_sign_in_order, user_search, group_members, user_roles, organization_members, groups`.execute(
      this.db,
    );
  }

  /** One batch: its rows' changes with the names (groups, roles, organizations) as they stand when it starts. */
  private async batch(
    inBatch: InBatch,
    work: (ctx: RowContext) => Promise<void>,
    settings: RowContext['settings'],
    caller: Caller,
    takeAdminsLock = false,
  ) {
    await inBatch(async (trx) => {
      if (takeAdminsLock) await lockAdmins(trx);
      const names = await loadNameIndex(trx);
      const ctx: RowContext = { trx, writes: this.writes, clock: this.clock, caller, settings, names };
      await work(ctx);
    });
  }

  /**
   * Validates every row, reads the users they name in one query, applies them in file order (new users only
   * planned), then writes the new users, memberships and events in a few multi-row statements.
   */
  private async applyRows(ctx: RowContext, rows: NumberedRecord[], result: ImportResult): Promise<void> {
    const valid: { line: number; row: ImportRow }[] = [];
    const refuse = (line: number, error: unknown) => {
      if (!(error instanceof RowRefused)) throw error;
      result.refusedTotal += 1;
      if (result.refused.length < maxRefusedListed) result.refused.push({ line, reason: error.message });
    };
    for (const { line, record } of rows) {
      try {
        valid.push({ line, row: validateRow(record, ctx.settings) });
      } catch (error) {
        refuse(line, error);
      }
    }
    const state = await startBatch(
      ctx,
      valid.map((v) => v.row),
    );
    for (const { line, row } of valid) {
      try {
        result[(await applyRow(ctx, state, row)).outcome] += 1;
      } catch (error) {
        refuse(line, error);
      }
    }
    await finishBatch(ctx, state);
    // Memberships feed the search text (group and role names); new users got theirs when planned.
    if (state.touched.length) await this.users.refreshSearchText(ctx.trx, state.touched);
  }

  /** Groups of a JSON import, parents before children (by name), created when missing. */
  private async applyGroups(ctx: RowContext, groups: Record<string, unknown>[]): Promise<void> {
    const parsed = groups.map((g, i) => {
      const r = importGroupSchema.safeParse(g);
      if (!r.success)
        throw new AppError('VALIDATION_FAILED', { detail: `groups[${i}]: ${r.error.issues[0]?.message}` });
      return r.data;
    });
    const byName = new Map(parsed.map((g) => [g.name.normalize('NFKC').toLowerCase(), g]));
    const visit = async (g: (typeof parsed)[number], depth: number): Promise<string> => {
      if (depth > 32) throw new AppError('VALIDATION_FAILED', { detail: `groups: "${g.name}" has a parent cycle` });
      const parent = g.parent ? byName.get(g.parent.normalize('NFKC').toLowerCase()) : undefined;
      const parentId = g.parent ? (parent ? await visit(parent, depth + 1) : await groupIdFor(ctx, g.parent)) : null;
      return groupIdFor(ctx, g.name, { description: g.description ?? null, parentId });
    };
    for (const g of parsed) await visit(g, 0);
  }
}

/** Import writes users anywhere, grants roles and creates groups: it needs those permissions directory-wide. */
function assertDirectoryWide(caller: Caller): void {
  const needed: Permission[] = ['users:write', 'groups:write', 'roles:write', 'organizations:write'];
  const missing = needed.filter((p) => scopeOf(caller.access, p) !== 'all');
  if (missing.length) {
    throw new AppError('ORGANIZATION_SCOPE', { detail: `Import needs ${missing.join(', ')} over the whole directory` });
  }
}
