/** Which SCIM attributes can be filtered and sorted on, and the SQL each one reads (the filter's whitelist). */
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Dialect } from '../../db/database.ts';
import type { AttrMap } from './scim.filter.ts';

export const userSchemaUrn = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const groupSchemaUrn = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const enterpriseUrn = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const userSchemaUrns = [userSchemaUrn, enterpriseUrn] as const;
export const groupSchemaUrns = [groupSchemaUrn] as const;

/** A key of users.attributes (JSON text), read the way each dialect reads JSON. The key is ours, never the client's. */
export function userAttribute(
  dialect: Dialect,
  key: 'givenName' | 'familyName' | 'manager' | 'employeeNumber' | 'title' | 'userType',
) {
  return dialect === 'sqlite'
    ? sql`json_extract(users.attributes, ${`$.${key}`})`
    : sql`(users.attributes::jsonb ->> ${key})`;
}

const text = (ref: RawBuilder<unknown>, caseExact: boolean, lowered?: 'key' | 'lower') =>
  ({ kind: 'string', ref, caseExact, ...(lowered ? { lowered } : {}) }) as const;

export function userAttrs(dialect: Dialect): AttrMap {
  const emailPresent = (c: RawBuilder<SqlBool>) => sql<SqlBool>`(users.email is not null and ${c})`;
  const phonePresent = (c: RawBuilder<SqlBool>) => sql<SqlBool>`(users.phone is not null and ${c})`;
  const displayName = text(sql.ref('users.display_name'), false, 'lower');
  return {
    id: text(sql.ref('users.id'), true),
    // userName and emails are caseExact false (RFC 7643 §4.1): compared on their NFKC-lower-cased keys.
    username: text(sql.ref('users.username_key'), false, 'key'),
    externalid: text(sql.ref('s.external_id'), true),
    displayname: displayName,
    'name.formatted': displayName,
    'name.givenname': text(userAttribute(dialect, 'givenName'), false, 'lower'),
    'name.familyname': text(userAttribute(dialect, 'familyName'), false, 'lower'),
    emails: {
      kind: 'complex',
      defaultSub: 'value',
      wrap: emailPresent,
      sub: {
        value: text(sql.ref('users.email_key'), false, 'key'),
        type: { kind: 'constant', value: 'work' },
        primary: { kind: 'constant', value: true },
      },
    },
    phonenumbers: {
      kind: 'complex',
      defaultSub: 'value',
      wrap: phonePresent,
      sub: {
        value: text(sql.ref('users.phone'), true),
        type: { kind: 'constant', value: 'work' },
        primary: { kind: 'constant', value: true },
      },
    },
    title: text(userAttribute(dialect, 'title'), false, 'lower'),
    usertype: text(userAttribute(dialect, 'userType'), false, 'lower'),
    active: { kind: 'active' },
    'meta.created': { kind: 'datetime', ref: sql.ref('users.created_at') },
    'meta.lastmodified': { kind: 'datetime', ref: sql.ref('users.updated_at') },
    [`${enterpriseUrn.toLowerCase()}:department`]: text(sql.ref('users.department'), false, 'lower'),
    [`${enterpriseUrn.toLowerCase()}:employeenumber`]: text(userAttribute(dialect, 'employeeNumber'), true),
    [`${enterpriseUrn.toLowerCase()}:manager.value`]: text(userAttribute(dialect, 'manager'), true),
  };
}

export function groupAttrs(): AttrMap {
  const hasMember = (c: RawBuilder<SqlBool>) =>
    sql<SqlBool>`exists (select 1 from group_members gm join users mu on mu.id = gm.user_id where gm.group_id = groups.id and ${c})`;
  return {
    id: text(sql.ref('groups.id'), true),
    displayname: text(sql.ref('groups.name_key'), false, 'key'),
    externalid: text(sql.ref('s.external_id'), true),
    members: {
      kind: 'complex',
      defaultSub: 'value',
      wrap: hasMember,
      sub: {
        value: text(sql.ref('gm.user_id'), true),
        display: text(sql.ref('mu.username_key'), false, 'key'),
        type: { kind: 'constant', value: 'User' },
      },
    },
    'meta.created': { kind: 'datetime', ref: sql.ref('groups.created_at') },
    'meta.lastmodified': { kind: 'datetime', ref: sql`coalesce(s.updated_at, groups.created_at)` },
  };
}

/** sortBy (RFC 7644 §3.4.2.3): the attributes a list can be ordered by. */
export const userSortRefs: Record<string, RawBuilder<unknown>> = {
  id: sql.ref('users.id'),
  username: sql.ref('users.username_key'),
  displayname: sql.ref('users.display_name'),
  'name.formatted': sql.ref('users.display_name'),
  'emails.value': sql.ref('users.email_key'),
  emails: sql.ref('users.email_key'),
  'meta.created': sql.ref('users.created_at'),
  'meta.lastmodified': sql.ref('users.updated_at'),
};

export const groupSortRefs: Record<string, RawBuilder<unknown>> = {
  id: sql.ref('groups.id'),
  displayname: sql.ref('groups.name_key'),
  'meta.created': sql.ref('groups.created_at'),
};
