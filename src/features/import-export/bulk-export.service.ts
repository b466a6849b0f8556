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
import {
  allGroups,
  type ExportedUser,
  exportJsonPage,
  exportPage,
  loadMembershipNames,
  type MembershipNames,
  type UserMemberships,
} from './bulk-import.store.ts';

const pageSize = 2000;

/** A page of users after `afterId`, with the memberships of each (bulk-import.store.ts's exportPage and exportJsonPage). */
type PageReader<T> = (
  db: Db,
  known: MembershipNames,
  afterId: string | undefined,
  limit: number,
) => Promise<{ users: T[]; names: Map<string, UserMemberships> }>;

/** Shared by every user without memberships; never written to. */
const noNames: UserMemberships = { groups: [], roles: [], organizations: [] };

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
        throw new AppError('ORGANIZATION_SCOPE', { detail: `Export needs ${p} over the whole directory` });
    }
    if (format === 'csv') {
      yield csvLine(exportColumns);
      for await (const page of this.pages(exportPage)) {
        let text = '';
        for (const [user, names] of page) text += csvUserLine(user, names);
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
    for await (const page of this.pages(exportJsonPage, groups)) {
      let text = '';
      for (const [user, names] of page) {
        text += `${first ? '\n' : ',\n'}${jsonUser(user.json, names)}`;
        first = false;
      }
      yield text;
      onUsers?.(page.length);
    }
    yield '\n]}\n';
  }

  /**
   * The users as `read` gives them, a page at a time, each with its memberships. `groups`: every group, when the
   * caller has read them (else read here with the role and organization names).
   */
  private async *pages<T extends { id: string }>(
    read: PageReader<T>,
    groups?: { id: string; name: string }[],
  ): AsyncGenerator<[T, UserMemberships][]> {
    const known = await loadMembershipNames(this.db, groups);
    const ask = (after: string | undefined) => {
      const page = read(this.db, known, after, pageSize);
      // Awaited below; handled here too, so a page still in flight when the consumer stops fails quietly.
      page.catch(() => {});
      return page;
    };
    let next = ask(undefined);
    for (;;) {
      const { users, names } = await next;
      const last = users.at(-1);
      const more = last !== undefined && users.length === pageSize;
      // The next page is asked for before this one is written out: PostgreSQL prepares it meanwhile.
      if (more) next = ask(last.id);
      if (users.length) yield users.map((u) => [u, names.get(u.id) ?? noNames]);
      if (!more) return;
    }
  }
}

/*
 * The two writers below build each user's text in `exportColumns` order with no object per user in between (an
 * object, then an array of cells, cost as much as reading the rows: export at 1,000,000 users, issue 8): CSV from
 * the row's cells, JSON from the object text the database wrote (exportJsonPage). The stored `attributes` text is
 * JSON we wrote ourselves and is copied as it is, not parsed and stringified again.
 */

/** One user as a CSV record: its columns after the id, empty attributes as an empty cell, memberships `;`-separated. */
function csvUserLine(u: ExportedUser, n: UserMemberships): string {
  const [, username, displayName, email, phone, department, description, comments, attributes, path, type, status] =
    u.values;
  return `${cell(username)},${cell(displayName)},${cell(email)},${cell(phone)},${cell(department)},${cell(
    description,
  )},${cell(comments)},${cell(attributes === '{}' ? null : attributes)},${cell(path)},${cell(type)},${cell(
    status,
  )},${cell(n.groups.join(';'))},${cell(n.roles.join(';'))},${cell(n.organizations.join(';'))}\n`;
}

/**
 * One user as a JSON object with the CSV's columns as keys: its columns' object as the database wrote it
 * (exportJsonPage), closed with the memberships.
 */
function jsonUser(columns: string, n: UserMemberships): string {
  const j = JSON.stringify;
  return `${columns.slice(0, -1)},"groups":${j(n.groups)},"roles":${j(n.roles)},"organizations":${j(n.organizations)}}`;
}

const needsQuotes = /[",\r\n]/;

/** A CSV field, quoted as csv-stringify does when it holds a comma, a quote or a line break. */
function cell(value: string | null): string {
  if (value === null) return '';
  return needsQuotes.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function csvLine(cells: readonly string[]): string {
  return `${cells.map(cell).join(',')}\n`;
}
