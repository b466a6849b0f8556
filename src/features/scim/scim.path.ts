/**
 * PATCH paths (RFC 7644 §3.5.2): `attr`, `attr.sub`, `attr[filter]`, `attr[filter].sub`, each optionally
 * prefixed by a schema URN. The value filter is parsed by scim2-parse-filter and evaluated here in memory on
 * the elements of one multi-valued attribute, comparing strings case-insensitively (type, value, display).
 */
import type { Filter } from 'scim2-parse-filter';
import { invalidPath } from './scim.errors.ts';
import { parseFilter } from './scim.filter.ts';

export type PatchPath = { schema?: string; attr: string; filter?: Filter; sub?: string };

const pathPattern = /^([A-Za-z][\w$-]*)(?:\[(.+)\])?(?:\.([A-Za-z][\w$-]*))?$/s;

/** `schemas`: the resource's schema URNs, core first; an extension's attributes keep their URN as `schema`. */
export function parsePath(raw: string, schemas: readonly string[]): PatchPath {
  let rest = raw.trim();
  let schema: string | undefined;
  for (const urn of schemas) {
    if (rest.toLowerCase().startsWith(`${urn.toLowerCase()}:`)) {
      rest = rest.slice(urn.length + 1);
      if (urn !== schemas[0]) schema = urn;
      break;
    }
  }
  const m = pathPattern.exec(rest);
  if (!m?.[1]) throw invalidPath(`The path ${raw} is not valid`);
  let filter: Filter | undefined;
  if (m[2] !== undefined) {
    try {
      filter = parseFilter(m[2]);
    } catch {
      throw invalidPath(`The filter in the path ${raw} is not valid`);
    }
  }
  return { ...(schema ? { schema } : {}), attr: m[1], ...(filter ? { filter } : {}), ...(m[3] ? { sub: m[3] } : {}) };
}

/** The key of `obj` named `name` case-insensitively (attribute names are case-insensitive, RFC 7643 §2.1). */
export function keyOf(obj: Record<string, unknown>, name: string): string {
  return Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
}

function read(element: unknown, attr: string): unknown {
  if (!element || typeof element !== 'object') return undefined;
  const obj = element as Record<string, unknown>;
  return obj[keyOf(obj, attr)];
}

const text = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);

/** Does one element of a multi-valued attribute match a value filter? */
export function matches(element: unknown, filter: Filter): boolean {
  const f = filter as { op: string; attrPath: string; compValue?: unknown; filters?: Filter[]; filter?: Filter };
  if (f.op === 'and') return (f.filters ?? []).every((x) => matches(element, x));
  if (f.op === 'or') return (f.filters ?? []).some((x) => matches(element, x));
  if (f.op === 'not') return !matches(element, f.filter as Filter);
  if (f.op === '[]') throw invalidPath('Nested value filters are not supported');
  const actual = text(read(element, f.attrPath));
  const wanted = text(f.compValue);
  if (f.op === 'pr') return actual !== undefined && actual !== null && actual !== '';
  if (f.op === 'eq') return actual === wanted;
  if (f.op === 'ne') return actual !== wanted;
  if (typeof actual !== 'string' || typeof wanted !== 'string') return false;
  if (f.op === 'co') return actual.includes(wanted);
  if (f.op === 'sw') return actual.startsWith(wanted);
  if (f.op === 'ew') return actual.endsWith(wanted);
  if (f.op === 'gt') return actual > wanted;
  if (f.op === 'ge') return actual >= wanted;
  if (f.op === 'lt') return actual < wanted;
  if (f.op === 'le') return actual <= wanted;
  throw invalidPath(`The operator ${f.op} is not supported in a path`);
}

/** The `attr eq value` pairs of a filter made only of eq and and: what a new element must hold to match it. */
export function equalities(filter: Filter): Record<string, unknown> | undefined {
  const f = filter as { op: string; attrPath: string; compValue?: unknown; filters?: Filter[] };
  if (f.op === 'eq') return { [f.attrPath]: f.compValue };
  if (f.op !== 'and') return undefined;
  const parts = (f.filters ?? []).map(equalities);
  if (parts.some((p) => p === undefined)) return undefined;
  return Object.assign({}, ...parts) as Record<string, unknown>;
}
