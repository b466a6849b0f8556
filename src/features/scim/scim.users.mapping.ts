/** SCIM User ↔ Gatehouse user: the one place that knows which attribute lives where. */
import type { UserDto } from '../users/users.schema.ts';
import { enterpriseUrn, userSchemaUrn } from './scim.attributes.ts';
import { invalidValue } from './scim.errors.ts';
import { keyOf } from './scim.path.ts';

type Json = Record<string, unknown>;

/** users.attributes keys the SCIM door owns; a PUT replaces these and leaves every other attribute alone. */
export const scimAttributeKeys = ['givenName', 'familyName', 'manager', 'employeeNumber', 'title', 'userType'] as const;

export function meta(resourceType: string, created: string, lastModified: string, location: string) {
  return {
    resourceType,
    created,
    lastModified,
    location,
    version: `W/"${Buffer.from(lastModified).toString('base64url')}"`,
  };
}

export function toScimUser(user: UserDto, externalId: string | null, baseUrl: string): Json {
  const a = user.attributes as Json;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const enterprise: Json = {};
  if (user.department) enterprise.department = user.department;
  if (str(a.employeeNumber)) enterprise.employeeNumber = a.employeeNumber;
  if (str(a.manager)) enterprise.manager = { value: a.manager, $ref: `${baseUrl}/Users/${a.manager}` };
  const name: Json = {};
  if (user.displayName) name.formatted = user.displayName;
  if (str(a.givenName)) name.givenName = a.givenName;
  if (str(a.familyName)) name.familyName = a.familyName;
  return {
    schemas: Object.keys(enterprise).length ? [userSchemaUrn, enterpriseUrn] : [userSchemaUrn],
    id: user.id,
    ...(externalId !== null ? { externalId } : {}),
    userName: user.username,
    ...(Object.keys(name).length ? { name } : {}),
    ...(user.displayName ? { displayName: user.displayName } : {}),
    ...(user.email ? { emails: [{ value: user.email, type: 'work', primary: true }] } : {}),
    ...(user.phone ? { phoneNumbers: [{ value: user.phone, type: 'work', primary: true }] } : {}),
    ...(str(a.title) ? { title: a.title } : {}),
    ...(str(a.userType) ? { userType: a.userType } : {}),
    active: user.status === 'active',
    groups: user.groups.map((g) => ({
      value: g.id,
      display: g.name,
      $ref: `${baseUrl}/Groups/${g.id}`,
      type: 'direct',
    })),
    ...(Object.keys(enterprise).length ? { [enterpriseUrn]: enterprise } : {}),
    meta: meta('User', user.createdAt, user.updatedAt, `${baseUrl}/Users/${user.id}`),
  };
}

/** What a full SCIM User (POST, PUT, or the result of a PATCH) asks us to store. */
export type ScimUserInput = {
  username: string;
  displayName: string | null;
  email: string | null;
  phone: string | null;
  department: string | null;
  scimAttributes: Partial<Record<(typeof scimAttributeKeys)[number], string>>;
  active: boolean;
  externalId: string | null;
  password: string | undefined;
};

function get(obj: Json, name: string): unknown {
  return obj[keyOf(obj, name)];
}

function optionalString(v: unknown, field: string): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string') throw invalidValue(`${field} must be a string`);
  return v;
}

function objectOf(v: unknown, field: string): Json {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidValue(`${field} must be an object`);
  return v as Json;
}

/** Entra ID sends booleans as strings ("False") in PATCH values. */
export function parseBoolean(v: unknown, field: string): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  throw invalidValue(`${field} must be true or false`);
}

/** The primary element of a multi-valued attribute, else the first; its `value`. */
function primaryValue(v: unknown, field: string): string | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) throw invalidValue(`${field} must be an array`);
  const items = v.filter((e): e is Json => Boolean(e) && typeof e === 'object');
  const primary =
    items.find((e) => {
      const p = get(e, 'primary');
      return p === true || p === 'true' || p === 'True';
    }) ?? items[0];
  return primary ? optionalString(get(primary, 'value'), `${field}.value`) : null;
}

function managerId(v: unknown): string | null {
  const first = Array.isArray(v) ? v[0] : v;
  if (first && typeof first === 'object') return optionalString(get(first as Json, 'value'), 'manager.value');
  return optionalString(first, 'manager');
}

export function fromScimUser(body: unknown): ScimUserInput {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalidValue('The body must be a User object');
  const r = body as Json;
  const username = optionalString(get(r, 'userName'), 'userName');
  if (!username) throw invalidValue('userName is required');
  const name = objectOf(get(r, 'name'), 'name');
  const ext = objectOf(get(r, enterpriseUrn), enterpriseUrn);
  const givenName = optionalString(get(name, 'givenName'), 'name.givenName');
  const familyName = optionalString(get(name, 'familyName'), 'name.familyName');
  const displayName =
    optionalString(get(r, 'displayName'), 'displayName') ??
    optionalString(get(name, 'formatted'), 'name.formatted') ??
    ([givenName, familyName].filter(Boolean).join(' ') || null);
  const scimAttributes: ScimUserInput['scimAttributes'] = {};
  if (givenName) scimAttributes.givenName = givenName;
  if (familyName) scimAttributes.familyName = familyName;
  const employeeNumber = optionalString(get(ext, 'employeeNumber'), 'employeeNumber');
  if (employeeNumber) scimAttributes.employeeNumber = employeeNumber;
  for (const key of ['title', 'userType'] as const) {
    const value = optionalString(get(r, key), key);
    if (value) scimAttributes[key] = value;
  }
  const manager = managerId(get(ext, 'manager'));
  if (manager) scimAttributes.manager = manager;
  const active = get(r, 'active');
  const password = get(r, 'password');
  return {
    username,
    displayName,
    email: primaryValue(get(r, 'emails'), 'emails'),
    phone: primaryValue(get(r, 'phoneNumbers'), 'phoneNumbers'),
    department: optionalString(get(ext, 'department'), 'department'),
    scimAttributes,
    active: active === undefined || active === null ? true : parseBoolean(active, 'active'),
    externalId: optionalString(get(r, 'externalId'), 'externalId'),
    password: typeof password === 'string' && password !== '' ? password : undefined,
  };
}

/** Existing custom attributes with the SCIM-owned keys replaced by the new ones. */
export function mergeAttributes(existing: Json, scim: ScimUserInput['scimAttributes']): Json {
  const out: Json = { ...existing };
  for (const k of scimAttributeKeys) delete out[k];
  return { ...out, ...scim };
}
