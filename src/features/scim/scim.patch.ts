/**
 * Applies a PatchOp (RFC 7644 §3.5.2) to a resource's JSON in memory; the caller then stores the result with the
 * same code as PUT, so PATCH and PUT validate and audit alike. Accepts what Okta and Entra ID send: op names in any
 * case ("Replace"), a path-less value object whose keys may themselves be paths ("name.givenName"), and a
 * `remove` on `members` carrying the members to remove as its value.
 */
import { invalidSyntax, invalidValue, mutability, noTarget } from './scim.errors.ts';
import { equalities, keyOf, matches, type PatchPath, parsePath } from './scim.path.ts';

export const patchOpSchema = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

type Json = Record<string, unknown>;
type Op = 'add' | 'replace' | 'remove';

export type PatchRules = { schemas: readonly string[]; readOnly: readonly string[]; maxOperations: number };

export function applyPatch(resource: Json, body: unknown, rules: PatchRules): Json {
  const operations = operationsOf(body, rules.maxOperations);
  const out = structuredClone(resource);
  for (const [i, raw] of operations.entries()) {
    const { op, path, value } = readOperation(raw, i);
    if (path === undefined) {
      if (op === 'remove') throw noTarget(`Operations[${i}]: remove needs a path`);
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        throw invalidValue(`Operations[${i}]: without a path the value must be an object`);
      }
      for (const [key, v] of Object.entries(value as Json)) applyPathless(out, op, key, v, rules);
    } else {
      applyAt(out, op, parsePath(path, rules.schemas), value, rules);
    }
  }
  return out;
}

function operationsOf(body: unknown, max: number): unknown[] {
  const b = body as { schemas?: unknown; Operations?: unknown } | null;
  if (!b || typeof b !== 'object') throw invalidSyntax('The body must be a PatchOp object');
  const ops = b[keyOf(b as Json, 'Operations') as 'Operations'];
  if (!Array.isArray(b.schemas) || !b.schemas.includes(patchOpSchema)) {
    throw invalidSyntax(`schemas must contain ${patchOpSchema}`);
  }
  if (!Array.isArray(ops) || ops.length === 0) throw invalidSyntax('Operations must be a non-empty array');
  if (ops.length > max) throw invalidValue(`At most ${max} operations per request`);
  return ops;
}

function readOperation(raw: unknown, i: number): { op: Op; path: string | undefined; value: unknown } {
  if (!raw || typeof raw !== 'object') throw invalidSyntax(`Operations[${i}] must be an object`);
  const o = raw as Json;
  const op = String(o[keyOf(o, 'op')] ?? '').toLowerCase();
  if (op !== 'add' && op !== 'replace' && op !== 'remove') {
    throw invalidSyntax(`Operations[${i}].op must be add, replace or remove`);
  }
  const path = o[keyOf(o, 'path')];
  if (path !== undefined && typeof path !== 'string') throw invalidSyntax(`Operations[${i}].path must be a string`);
  const value = o[keyOf(o, 'value')];
  if (op !== 'remove' && value === undefined) throw invalidValue(`Operations[${i}]: ${op} needs a value`);
  return { op, path: path === '' ? undefined : path, value };
}

/** A path-less key is an attribute, a path ("name.givenName"), or an extension URN holding its attributes. */
function applyPathless(out: Json, op: Op, key: string, value: unknown, rules: PatchRules): void {
  const extension = rules.schemas.slice(1).find((u) => u.toLowerCase() === key.toLowerCase());
  if (extension && value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Json)) applyAt(out, op, { schema: extension, attr: k }, v, rules);
    return;
  }
  applyAt(out, op, parsePath(key, rules.schemas), value, rules);
}

function containerOf(out: Json, path: PatchPath): Json {
  if (!path.schema) return out;
  const key = keyOf(out, path.schema);
  const existing = out[key];
  if (existing && typeof existing === 'object' && !Array.isArray(existing)) return existing as Json;
  const created: Json = {};
  out[key] = created;
  return created;
}

function applyAt(out: Json, op: Op, path: PatchPath, value: unknown, rules: PatchRules): void {
  const container = containerOf(out, path);
  const key = keyOf(container, path.attr);
  if (!path.schema && rules.readOnly.includes(path.attr.toLowerCase())) {
    // Okta repeats the id in a path-less replace; restating a read-only value unchanged is not a change.
    if (!path.filter && !path.sub && op !== 'remove' && JSON.stringify(container[key]) === JSON.stringify(value))
      return;
    throw mutability(`${path.attr} is read-only`);
  }
  if (path.filter) {
    applyFiltered(container, key, op, path, value);
    return;
  }
  const current = container[key];
  if (path.sub) {
    const obj = current && typeof current === 'object' && !Array.isArray(current) ? (current as Json) : {};
    if (op === 'remove') delete obj[keyOf(obj, path.sub)];
    else obj[keyOf(obj, path.sub)] = value;
    container[key] = obj;
    return;
  }
  if (op === 'remove') {
    removeWhole(container, key, value);
    return;
  }
  if (Array.isArray(current) || Array.isArray(value)) {
    const incoming = Array.isArray(value) ? value : [value];
    container[key] = op === 'add' ? mergeValues(Array.isArray(current) ? current : [], incoming) : incoming;
    return;
  }
  // A complex attribute's sub-attributes are merged, add or replace alike (RFC 7644 §3.5.2.1 and §3.5.2.3).
  if (isObject(current) && isObject(value)) container[key] = { ...current, ...value };
  else container[key] = value;
}

/** `remove` with a value on a multi-valued attribute removes those values (Entra ID removes members this way). */
function removeWhole(container: Json, key: string, value: unknown): void {
  const current = container[key];
  if (Array.isArray(current) && value !== undefined) {
    const drop = (Array.isArray(value) ? value : [value]).map(elementValue);
    container[key] = current.filter((e) => !drop.includes(elementValue(e)));
    return;
  }
  delete container[key];
}

function applyFiltered(container: Json, key: string, op: Op, path: PatchPath, value: unknown): void {
  const filter = path.filter!;
  const current = Array.isArray(container[key]) ? (container[key] as unknown[]) : [];
  const hit = current.filter((e) => matches(e, filter));
  if (op === 'remove') {
    container[key] = path.sub
      ? current.map((e) => (hit.includes(e) && isObject(e) ? without(e, path.sub!) : e))
      : current.filter((e) => !hit.includes(e));
    return;
  }
  const patch = path.sub ? { [path.sub]: value } : value;
  if (!isObject(patch)) throw invalidValue(`${path.attr}: the value must be an object`);
  if (hit.length > 0) {
    container[key] = current.map((e) => (hit.includes(e) && isObject(e) ? { ...e, ...patch } : e));
    return;
  }
  // No element matches yet: Okta and Entra ID set emails[type eq "work"].value on a user without one.
  const seed = equalities(filter);
  if (!seed) throw noTarget(`No value of ${path.attr} matches the filter`);
  container[key] = [...current, { ...seed, ...patch }];
}

function elementValue(e: unknown): unknown {
  return isObject(e) ? e[keyOf(e, 'value')] : e;
}

function mergeValues(current: unknown[], incoming: unknown[]): unknown[] {
  const out = [...current];
  for (const v of incoming) if (!out.some((e) => elementValue(e) === elementValue(v))) out.push(v);
  return out;
}

function isObject(v: unknown): v is Json {
  return Boolean(v) && typeof v === 'object' && !Array.isArray(v);
}

function without(e: Json, sub: string): Json {
  const copy = { ...e };
  delete copy[keyOf(copy, sub)];
  return copy;
}
