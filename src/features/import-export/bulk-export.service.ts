/**
 * Export of the directory, streamed a page at a time: CSV (users, with `;`-separated groups, roles and organization
 * slugs, the import's columns) or JSON ({groups, users}, groups with description and parent). Password hashes are
 * never exported. Re-importing an export reproduces users, memberships and (JSON) the group tree.
 * Each page of users is one chunk of text (a chunk per user cost more in stream overhead than the export itself).
 */
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { scopeOf } from '../access/access.service.ts';
import type { Caller } from '../access/caller.ts';
import { exportColumns } from './bulk-import.schema.ts';
import { allGroups, type ExportedUser, exportPage } from './bulk-import.store.ts';

const pageSize = 2000;
type Names = { groups: string[]; roles: string[]; organizations: string[] };

export class ExportService {
  constructor(private readonly db: Db) {}

  /** Number of users an export will write (for the CLI's progress bar). */
  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** The file's text, a page of users per chunk; `onUsers` hears how many users each chunk holds (CLI progress). */
  async *export(caller: Caller, format: 'csv' | 'json', onUsers?: (count: number) => void): AsyncGenerator<string> {
    for (const p of ['users:read', 'groups:read', 'roles:read', 'organizations:read'] as const) {
      if (scopeOf(caller.access, p) !== 'all')
        throw new AppError('FORBIDDEN', { detail: `Export needs ${p} over the whole directory` });
    }
    if (format === 'csv') {
      yield csvLine(exportColumns);
      for await (const page of this.pages()) {
        let text = '';
        for (const [user, names] of page) {
          const record = userRecord(user, names);
          text += csvLine(exportColumns.map((c) => csvCell(record[c])));
        }
        yield text;
        onUsers?.(page.length);
      }
      return;
    }
    const groups = await allGroups(this.db);
    const nameOf = new Map(groups.map((g) => [g.id, g.name]));
    const groupItems = groups.map((g) => ({
      name: g.name,
      description: g.description,
      parent: g.parent_id ? (nameOf.get(g.parent_id) ?? null) : null,
    }));
    yield `{"groups":${JSON.stringify(groupItems)},\n"users":[`;
    let first = true;
    for await (const page of this.pages()) {
      let text = '';
      for (const [user, names] of page) {
        text += `${first ? '\n' : ',\n'}${JSON.stringify(userRecord(user, names))}`;
        first = false;
      }
      yield text;
      onUsers?.(page.length);
    }
    yield '\n]}\n';
  }

  private async *pages(): AsyncGenerator<[ExportedUser, Names][]> {
    let after: { at: string; id: string } | undefined;
    for (;;) {
      const { users, names } = await exportPage(this.db, after, pageSize);
      if (users.length) yield users.map((u) => [u, names.get(u.id) ?? { groups: [], roles: [], organizations: [] }]);
      const last = users.at(-1);
      if (!last || users.length < pageSize) return;
      after = { at: last.created_at, id: last.id };
    }
  }
}

function userRecord(u: ExportedUser, names: Names): Record<(typeof exportColumns)[number], unknown> {
  return {
    username: u.username,
    displayName: u.display_name,
    email: u.email,
    phone: u.phone,
    department: u.department,
    description: u.description,
    comments: u.comments,
    attributes: u.attributes === '{}' ? {} : (JSON.parse(u.attributes) as unknown),
    path: u.path,
    type: u.type,
    status: u.status,
    groups: names.groups,
    roles: names.roles,
    organizations: names.organizations,
  };
}

/** One CSV record, quoted as csv-stringify does: a field holding a comma, a quote or a line break. */
function csvLine(cells: readonly string[]): string {
  return `${cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',')}\n`;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(';');
  if (typeof value === 'object') return Object.keys(value).length ? JSON.stringify(value) : '';
  return String(value);
}
