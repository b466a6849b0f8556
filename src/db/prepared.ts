/**
 * Statements on the hottest path, the sign-in (it runs about ten), built and compiled by Kysely once per dialect
 * and afterwards only bound to new values. Building a query through Kysely's immutable nodes costs 20–60 µs of the
 * event loop per statement, more than many of these statements take to run, and under sign-in load that time
 * competes with the password hashes for the cores (bench/README.md, "Sign-ins ÷ argon2").
 *
 * The build function gets named slots in place of values. It must put each slot where a value goes (a comparison,
 * a SET, an inserted value, a `sql` template parameter) and must not branch on, concatenate or otherwise look at
 * a slot: preparing refuses a statement in which a slot it handed out is missing or is part of a larger value.
 */
import { type Compilable, CompiledQuery, type Kysely, type QueryResult } from 'kysely';
import type { Database, Db } from './database.ts';
import { dialectOf } from './dialect.ts';

type Compiled = { sql: string; bind: (values: Record<string, unknown>) => unknown[] };

const slotMark = '\u0000gatehouse-slot:';
const slotOf = (name: string) => `${slotMark}${name}\u0000`;

export type Prepared<P, R> = {
  /** Every row the statement returns. */
  all(db: Db, values: P): Promise<R[]>;
  first(db: Db, values: P): Promise<R | undefined>;
  /** Rows changed (UPDATE, DELETE, INSERT without RETURNING). */
  run(db: Db, values: P): Promise<number>;
};

export function prepared<P extends object, R = unknown>(
  slots: readonly (keyof P & string)[],
  build: (db: Db, values: P) => Compilable<R>,
): Prepared<P, R> {
  const byDialect = new Map<string, Compiled>();
  const compiled = (db: Db): Compiled => {
    const dialect = dialectOf(db as unknown as Kysely<unknown>);
    let c = byDialect.get(dialect);
    if (!c) {
      c = compile(db, slots, build as (db: Db, values: Record<string, unknown>) => Compilable<unknown>);
      byDialect.set(dialect, c);
    }
    return c;
  };
  const execute = (db: Db, values: P): Promise<QueryResult<R>> => {
    const c = compiled(db);
    return db.executeQuery<R>(CompiledQuery.raw(c.sql, c.bind(values as Record<string, unknown>)));
  };
  return {
    all: async (db, values) => (await execute(db, values)).rows,
    first: async (db, values) => (await execute(db, values)).rows[0],
    run: async (db, values) => Number((await execute(db, values)).numAffectedRows ?? 0n),
  };
}

function compile(
  db: Db,
  slots: readonly string[],
  build: (db: Db, values: Record<string, unknown>) => Compilable<unknown>,
): Compiled {
  const query = build(db, Object.fromEntries(slots.map((name) => [name, slotOf(name)])));
  const { sql, parameters } = query.compile();
  const used = new Set<string>();
  // Each parameter is either a slot (bound at every call) or a constant the build function wrote itself.
  const plan = parameters.map((p) => {
    if (typeof p !== 'string' || !p.includes(slotMark)) return { constant: p };
    const name = slots.find((s) => p === slotOf(s));
    if (name === undefined) throw new Error(`prepared statement: a slot is part of a larger value in ${sql}`);
    used.add(name);
    return { slot: name };
  });
  const unused = slots.filter((s) => !used.has(s));
  if (unused.length > 0) throw new Error(`prepared statement: slots ${unused.join(', ')} never reach ${sql}`);
  return {
    sql,
    bind: (values) =>
      plan.map((step) => {
        if (!('slot' in step)) return step.constant;
        const value = values[step.slot as string];
        if (value === undefined) throw new Error(`prepared statement: no value for ${step.slot}`);
        return value;
      }),
  };
}

/**
 * An INSERT of one whole row. `columns` must name every column of the row type (see `everyColumn`), so a column
 * added to the table later cannot be left out of this statement silently.
 */
export function preparedInsert<Row extends object>(
  table: keyof Database & string,
  columns: readonly (keyof Row & string)[],
): (db: Db, row: Row) => Promise<number> {
  const statement = prepared<Row>(columns, (db, row) => db.insertInto(table).values(row as never));
  return (db, row) => statement.run(db, row);
}

/** `everyColumn<Row>()([...])` compiles only when the list names every key of Row. */
export function everyColumn<Row>() {
  return <const C extends readonly (keyof Row & string)[]>(
    columns: C & ([Exclude<keyof Row, C[number]>] extends [never] ? unknown : never),
  ): C => columns;
}
