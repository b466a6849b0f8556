/** SQL for the OpenID Connect signing keys: the only place that reads and writes oidc_keys. */
import type { Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';

export interface OidcKeysTable {
  kid: string;
  generation: number;
  alg: string;
  public_jwk: string;
  sealed_private_jwk: string;
  created_at: string;
  published_until: string | null;
}

declare module '../../db/database.ts' {
  interface Database {
    oidc_keys: OidcKeysTable;
  }
}

export type OidcKeyRow = Selectable<OidcKeysTable>;

/**
 * Inserts a generation of keys unless that generation exists: of two nodes making it at once, the second's rows
 * conflict on (generation, alg) and are dropped, and both then read the first's.
 */
export async function insertKeysIfAbsent(db: Db, rows: OidcKeyRow[]): Promise<void> {
  await db
    .insertInto('oidc_keys')
    .values(rows)
    .onConflict((oc) => oc.columns(['generation', 'alg']).doNothing())
    .execute();
}

/** The keys still published at `now`, newest generation first. */
export async function listPublishedKeys(db: Db, now: string): Promise<OidcKeyRow[]> {
  return db
    .selectFrom('oidc_keys')
    .selectAll()
    .where((eb) => eb.or([eb('published_until', 'is', null), eb('published_until', '>', now)]))
    .orderBy('generation', 'desc')
    .orderBy('alg')
    .execute();
}

export async function latestGeneration(db: Db): Promise<number> {
  const r = await db
    .selectFrom('oidc_keys')
    .select((eb) => eb.fn.max('generation').as('g'))
    .executeTakeFirst();
  return Number(r?.g ?? 0);
}

/** Keeps every generation below `generation` published until `until`, and deletes those past theirs at `now`. */
export async function retireKeysBelow(db: Db, generation: number, until: string, now: string): Promise<void> {
  await db
    .updateTable('oidc_keys')
    .set({ published_until: until })
    .where('generation', '<', generation)
    .where('published_until', 'is', null)
    .execute();
  await db.deleteFrom('oidc_keys').where('published_until', '<=', now).execute();
}
