/**
 * SCIM filters (RFC 7644 §3.4.2.2) → parameterised SQL. scim2-parse-filter turns the text into an AST; this file
 * walks the AST against a whitelist of attributes (scim.attributes.ts). Column names come only from that
 * whitelist and every compared value is a bound parameter, so a filter cannot inject SQL; an unknown attribute,
 * operator or value type is a 400 invalidFilter, never a filter that matches everything.
 */
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type * as Scim2ParseFilter from 'scim2-parse-filter';
import type { Filter } from 'scim2-parse-filter';
import { escapeLike } from '../../db/dialect.ts';
import { lazyRequire } from '../../lazy-require.ts';
import { invalidFilter } from './scim.errors.ts';

type Expr = RawBuilder<SqlBool>;

/** Loaded at the first SCIM filter, not at start (footprint). */
const scimFilterParser = lazyRequire<typeof Scim2ParseFilter>('scim2-parse-filter');

/** How a filterable attribute maps to SQL. `key` columns are stored NFKC-lower-cased (username_key, email_key). */
export type AttrSpec =
  | { kind: 'string'; ref: RawBuilder<unknown>; caseExact: boolean; lowered?: 'key' | 'lower' }
  | { kind: 'datetime'; ref: RawBuilder<unknown> }
  | { kind: 'active' }
  /** A sub-attribute with one fixed value (our single email is always type "work", primary true). */
  | { kind: 'constant'; value: string | boolean }
  /** A multi-valued complex attribute: `wrap` turns a condition on its sub-attributes into one on the resource. */
  | { kind: 'complex'; sub: AttrMap; wrap: (condition: Expr) => Expr; defaultSub: string };

export type AttrMap = Record<string, AttrSpec>;

const maxFilterLength = 2000;
const always: Expr = sql<SqlBool>`1 = 1`;
const never: Expr = sql<SqlBool>`1 = 0`;

/** Parses a filter's text; any parser failure is the client's invalidFilter. */
export function parseFilter(text: string): Filter {
  if (text.length > maxFilterLength) throw invalidFilter(`The filter is longer than ${maxFilterLength} characters`);
  try {
    return scimFilterParser().parse(text);
  } catch (error) {
    // Entra ID sends `emails[type eq "work"].value eq "x"`, which the parser lacks: retry it as the equivalent
    // `emails[type eq "work" and value eq "x"]`. The rewrite only regroups; the parser still judges the result.
    const rewritten = text.replace(
      valuePathWithSub,
      (_m, attr, inner, sub, rest) => `${attr}[(${inner}) and ${sub} ${rest}]`,
    );
    if (rewritten !== text) {
      try {
        return scimFilterParser().parse(rewritten);
      } catch {
        // fall through: report the original error
      }
    }
    throw invalidFilter(`The filter is not valid: ${error instanceof Error ? error.message : 'cannot be parsed'}`);
  }
}

const valuePathWithSub =
  /([A-Za-z][\w:.-]*)\[([^[\]"]*(?:"(?:[^"\\]|\\.)*"[^[\]"]*)*)\]\.([A-Za-z]\w*)\s+(pr\b|(?:eq|ne|co|sw|ew|gt|ge|lt|le)\s+(?:"(?:[^"\\]|\\.)*"|true|false|null|-?\d+(?:\.\d+)?))/gi;

/** Compiles a parsed filter over a resource's attribute map. */
export function compileFilter(filter: Filter, attrs: AttrMap, schemaUrns: readonly string[]): Expr {
  switch (filter.op) {
    case 'and':
    case 'or': {
      const parts = (filter as { filters: Filter[] }).filters.map((f) => compileFilter(f, attrs, schemaUrns));
      return sql<SqlBool>`(${sql.join(parts, sql.raw(filter.op === 'and' ? ' and ' : ' or '))})`;
    }
    case 'not':
      return sql<SqlBool>`(not ${compileFilter((filter as { filter: Filter }).filter, attrs, schemaUrns)})`;
    case '[]': {
      const vp = filter as { attrPath: string; valFilter: Filter };
      const spec = resolve(vp.attrPath, attrs, schemaUrns);
      if (spec.kind !== 'complex') throw invalidFilter(`${vp.attrPath} is not a multi-valued attribute`);
      return spec.wrap(compileFilter(vp.valFilter, spec.sub, []));
    }
    default: {
      const f = filter as { op: string; attrPath: string; compValue?: unknown };
      const spec = resolve(f.attrPath, attrs, schemaUrns);
      if (spec.kind === 'complex') {
        const sub = spec.sub[spec.defaultSub];
        if (!sub) throw invalidFilter(`${f.attrPath} cannot be compared`);
        return spec.wrap(f.op === 'pr' ? always : compare(f.op, sub, f.compValue, f.attrPath));
      }
      return compare(f.op, spec, f.compValue, f.attrPath);
    }
  }
}

/** Finds an attribute by path, case-insensitively (RFC 7643 §2.1), with or without its schema URN prefix. */
export function resolve(path: string, attrs: AttrMap, schemaUrns: readonly string[]): AttrSpec {
  let name = path.toLowerCase();
  const urn = schemaUrns.find((u) => name.startsWith(`${u.toLowerCase()}:`));
  // The core schema's URN may be dropped; an extension's attributes keep their URN as the key's prefix.
  if (urn && schemaUrns.indexOf(urn) === 0) name = name.slice(urn.length + 1);
  const direct = attrs[name];
  if (direct) return direct;
  const dot = name.lastIndexOf('.');
  const parent = dot > 0 ? attrs[name.slice(0, dot)] : undefined;
  const sub = parent?.kind === 'complex' ? parent.sub[name.slice(dot + 1)] : undefined;
  if (parent?.kind === 'complex' && sub) {
    return { kind: 'complex', sub: { [name.slice(dot + 1)]: sub }, wrap: parent.wrap, defaultSub: name.slice(dot + 1) };
  }
  throw invalidFilter(`The attribute ${path} cannot be filtered on`);
}

function compare(op: string, spec: AttrSpec, value: unknown, path: string): Expr {
  switch (spec.kind) {
    case 'active':
      if (op === 'pr') return always;
      if (typeof value !== 'boolean' || (op !== 'eq' && op !== 'ne')) {
        throw invalidFilter(`${path} takes eq or ne with true or false`);
      }
      return (value === true) === (op === 'eq')
        ? sql<SqlBool>`users.status = 'active'`
        : sql<SqlBool>`users.status <> 'active'`;
    case 'constant':
      return compareConstant(op, spec.value, value, path) ? always : never;
    case 'datetime':
      return compareDatetime(op, spec.ref, value, path);
    case 'string':
      return compareString(op, spec, value, path);
    default:
      throw invalidFilter(`${path} cannot be compared`);
  }
}

function compareString(op: string, spec: Extract<AttrSpec, { kind: 'string' }>, value: unknown, path: string): Expr {
  const ref = spec.lowered === 'lower' ? sql`lower(${spec.ref})` : spec.ref;
  if (op === 'pr') return sql<SqlBool>`(${spec.ref} is not null and ${spec.ref} <> '')`;
  if (typeof value !== 'string') throw invalidFilter(`${path} ${op} needs a string value`);
  const v = spec.caseExact ? value : value.normalize('NFKC').toLowerCase();
  switch (op) {
    case 'eq':
      return sql<SqlBool>`${ref} = ${v}`;
    case 'ne':
      return sql<SqlBool>`(${ref} is null or ${ref} <> ${v})`;
    case 'co':
      return like(ref, `%${escapeLike(v)}%`);
    case 'sw':
      return like(ref, `${escapeLike(v)}%`);
    case 'ew':
      return like(ref, `%${escapeLike(v)}`);
    default:
      return ordered(op, ref, v, path);
  }
}

function like(ref: RawBuilder<unknown>, pattern: string): Expr {
  return sql<SqlBool>`${ref} like ${pattern} escape '\\'`;
}

function ordered(op: string, ref: RawBuilder<unknown>, v: string, path: string): Expr {
  const operators: Record<string, string> = { gt: '>', ge: '>=', lt: '<', le: '<=' };
  const operator = operators[op];
  if (!operator) throw invalidFilter(`The operator ${op} is not supported on ${path}`);
  return sql<SqlBool>`${ref} ${sql.raw(operator)} ${v}`;
}

/** Timestamps are stored as ISO-8601 UTC text, so a normalised value compares correctly as text. */
function compareDatetime(op: string, ref: RawBuilder<unknown>, value: unknown, path: string): Expr {
  if (op === 'pr') return sql<SqlBool>`${ref} is not null`;
  const time = typeof value === 'string' ? new Date(value) : undefined;
  if (!time || Number.isNaN(time.getTime())) throw invalidFilter(`${path} needs a date-time value`);
  const iso = time.toISOString();
  if (op === 'eq') return sql<SqlBool>`${ref} = ${iso}`;
  if (op === 'ne') return sql<SqlBool>`${ref} <> ${iso}`;
  return ordered(op, ref, iso, path);
}

function compareConstant(op: string, constant: string | boolean, value: unknown, path: string): boolean {
  if (op === 'pr') return true;
  if (typeof constant === 'boolean') {
    if (typeof value !== 'boolean' || (op !== 'eq' && op !== 'ne')) throw invalidFilter(`${path} takes true or false`);
    return (constant === value) === (op === 'eq');
  }
  if (typeof value !== 'string') throw invalidFilter(`${path} ${op} needs a string value`);
  const [a, b] = [constant.toLowerCase(), value.toLowerCase()];
  const tests: Record<string, boolean> = {
    eq: a === b,
    ne: a !== b,
    co: a.includes(b),
    sw: a.startsWith(b),
    ew: a.endsWith(b),
    gt: a > b,
    ge: a >= b,
    lt: a < b,
    le: a <= b,
  };
  const result = tests[op];
  if (result === undefined) throw invalidFilter(`The operator ${op} is not supported`);
  return result;
}
