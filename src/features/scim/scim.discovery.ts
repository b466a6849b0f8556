/** Discovery resources (RFC 7644 §4, RFC 7643 §5-7): what this server supports, for clients that look first. */
import { enterpriseUrn, groupSchemaUrn, userSchemaUrn } from './scim.attributes.ts';
import { maxCount } from './scim.list.ts';

const core = 'urn:ietf:params:scim:schemas:core:2.0:';

export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: [`${core}ServiceProviderConfig`],
    documentationUri: 'https://datatracker.ietf.org/doc/html/rfc7644',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: maxCount },
    changePassword: { supported: true },
    sort: { supported: true },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'API key',
        description: 'A Gatehouse system API key (gh_…) holding users:read/write/delete and groups:read/write',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function resourceTypes(baseUrl: string) {
  return [
    {
      schemas: [`${core}ResourceType`],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      schema: userSchemaUrn,
      schemaExtensions: [{ schema: enterpriseUrn, required: false }],
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` },
    },
    {
      schemas: [`${core}ResourceType`],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      schema: groupSchemaUrn,
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/Group` },
    },
  ];
}

type Attr = {
  name: string;
  type?: string;
  multiValued?: boolean;
  caseExact?: boolean;
  mutability?: string;
  required?: boolean;
  uniqueness?: string;
  returned?: string;
  subAttributes?: Attr[];
};

function attr(a: Attr): Record<string, unknown> {
  return {
    type: 'string',
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...a,
    ...(a.subAttributes ? { subAttributes: a.subAttributes.map(attr) } : {}),
  };
}

const multi = (name: string, subs: Attr[] = []) =>
  ({
    name,
    type: 'complex',
    multiValued: true,
    subAttributes: [{ name: 'value' }, { name: 'type' }, { name: 'primary', type: 'boolean' }, ...subs],
  }) as Attr;

export function schemas(baseUrl: string) {
  const entry = (id: string, name: string, attributes: Attr[]) => ({
    schemas: [`${core}Schema`],
    id,
    name,
    attributes: attributes.map(attr),
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${id}` },
  });
  return [
    entry(userSchemaUrn, 'User', [
      { name: 'userName', required: true, uniqueness: 'server' },
      { name: 'externalId', caseExact: true },
      {
        name: 'name',
        type: 'complex',
        subAttributes: [{ name: 'formatted' }, { name: 'givenName' }, { name: 'familyName' }],
      },
      { name: 'displayName' },
      { name: 'title' },
      { name: 'userType' },
      { name: 'active', type: 'boolean' },
      { name: 'password', mutability: 'writeOnly', returned: 'never' },
      multi('emails'),
      multi('phoneNumbers'),
      {
        name: 'groups',
        type: 'complex',
        multiValued: true,
        mutability: 'readOnly',
        subAttributes: [{ name: 'value' }, { name: 'display' }, { name: '$ref', type: 'reference' }],
      },
    ]),
    entry(enterpriseUrn, 'EnterpriseUser', [
      { name: 'employeeNumber' },
      { name: 'department' },
      {
        name: 'manager',
        type: 'complex',
        subAttributes: [
          { name: 'value' },
          { name: '$ref', type: 'reference' },
          { name: 'displayName', mutability: 'readOnly' },
        ],
      },
    ]),
    entry(groupSchemaUrn, 'Group', [
      { name: 'displayName', required: true, uniqueness: 'server' },
      { name: 'externalId', caseExact: true },
      {
        name: 'members',
        type: 'complex',
        multiValued: true,
        subAttributes: [
          { name: 'value', caseExact: true },
          { name: 'display', mutability: 'readOnly' },
          { name: '$ref', type: 'reference' },
          { name: 'type' },
        ],
      },
    ]),
  ];
}
