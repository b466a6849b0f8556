/**
 * The Application resource (an OAuth client), its bodies and answers, and the rules an authorization server
 * holds its registrations to. The client secret appears only in the creating and the rotating answer.
 */
import { z } from 'zod';
import type { FieldError } from '../../errors.ts';
import { listQuerySchema } from '../../http/pagination.ts';
import type { ApplicationRow } from './applications.store.ts';

export const applicationTypes = ['confidential', 'public'] as const;
export const grantTypes = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export type ApplicationType = (typeof applicationTypes)[number];
export type GrantType = (typeof grantTypes)[number];

/** What a new application may do when its body names no grant types: sign users in, and refresh. */
export const defaultGrantTypes: readonly GrantType[] = ['authorization_code', 'refresh_token'];

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);
/** Schemes that run or embed content where a browser lands (oidc-provider refuses the same six, and more). */
const forbiddenSchemes = new Set(['javascript:', 'vbscript:', 'data:', 'blob:', 'file:', 'about:', 'ws:', 'wss:']);

/** Whether a URI that passed `uriProblem` uses a private-use scheme (RFC 8252 §7.1: a native app's callback). */
export function isCustomScheme(uri: string): boolean {
  return !/^https?:/i.test(uri);
}

/**
 * Why a URI cannot be registered, or undefined when it can. Redirect URIs are compared as exact strings at
 * authorization (RFC 9700 §4.1.3), so a wildcard, a fragment (RFC 6749 §3.1.2) or credentials have no place in
 * one; http is for the loopback interface only (RFC 8252 §7.3). `customSchemes` admits a reverse-domain private
 * scheme such as `com.example.app:/callback`; whether the application may use one is decided with its type.
 */
export function uriProblem(raw: string, customSchemes: boolean): string | undefined {
  if (raw.includes('*')) return 'must not contain a wildcard: register each URI exactly';
  if (raw.includes('#')) return 'must not contain a fragment (#)';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
  if (/[\s\u0000-\u001f\u007f]/.test(raw)) return 'must not contain white space or control characters';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URI';
  }
  if (forbiddenSchemes.has(url.protocol)) return `must not use the ${url.protocol.slice(0, -1)} scheme`;
  if (url.username !== '' || url.password !== '') return 'must not contain credentials (user:password@)';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return loopbackHosts.has(url.hostname) ? undefined : 'must use https (http only for localhost, 127.0.0.1, [::1])';
  }
  if (!customSchemes) return 'must use https';
  if (!url.protocol.slice(0, -1).includes('.')) {
    return 'a custom scheme must be a reverse domain name, such as com.example.app:/callback';
  }
  return undefined;
}

const uriSchema = (customSchemes: boolean) =>
  z
    .string()
    .min(1)
    .max(2000)
    .superRefine((raw, ctx) => {
      const problem = uriProblem(raw, customSchemes);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

const uriListSchema = z
  .array(uriSchema(true))
  .max(20)
  .refine((list) => new Set(list).size === list.length, 'must not repeat a URI');

const nameSchema = z.string().trim().min(1).max(100);
const grantTypesSchema = z
  .array(z.enum(grantTypes))
  .min(1)
  .max(grantTypes.length)
  .refine((list) => new Set(list).size === list.length, 'must not repeat a grant type');
const backchannelSchema = uriSchema(false);

/** Strict: a field this API does not set (a `clientId`, a `clientSecret`) is refused, never read. */
export const createApplicationSchema = z.strictObject({
  name: nameSchema,
  type: z.enum(applicationTypes),
  redirectUris: uriListSchema,
  postLogoutRedirectUris: uriListSchema.optional(),
  grantTypes: grantTypesSchema.optional(),
  firstParty: z.boolean().optional(),
  backchannelLogoutUri: backchannelSchema.optional(),
});
export type CreateApplicationInput = z.infer<typeof createApplicationSchema>;

/** The type is fixed at creation: turning it would make or drop a secret outside the two answers that show one. */
export const updateApplicationSchema = z.strictObject({
  name: nameSchema.optional(),
  redirectUris: uriListSchema.optional(),
  postLogoutRedirectUris: uriListSchema.optional(),
  grantTypes: grantTypesSchema.optional(),
  firstParty: z.boolean().optional(),
  backchannelLogoutUri: backchannelSchema.nullable().optional(),
});
export type UpdateApplicationInput = z.infer<typeof updateApplicationSchema>;

export const listApplicationsQuerySchema = listQuerySchema;

/** The registration as a whole, after a create or a change: what the rules below are checked against. */
export type ApplicationSettings = {
  type: ApplicationType;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  grantTypes: GrantType[];
};

/**
 * The rules that look at more than one field, for a creation and for the result of a change alike. A public
 * client has no secret, so it cannot use client credentials (RFC 6749 §4.4 needs client authentication), and
 * only it may use a native app's custom scheme (a confidential client is a server, reached over https).
 */
export function applicationProblems(s: ApplicationSettings): FieldError[] {
  const problems: FieldError[] = [];
  if (s.type === 'public' && s.grantTypes.includes('client_credentials')) {
    problems.push({ path: 'grantTypes', message: 'a public application cannot use client_credentials' });
  }
  if (s.grantTypes.includes('refresh_token') && !s.grantTypes.includes('authorization_code')) {
    problems.push({ path: 'grantTypes', message: 'refresh_token needs authorization_code' });
  }
  if (s.grantTypes.includes('authorization_code') && s.redirectUris.length === 0) {
    problems.push({ path: 'redirectUris', message: 'authorization_code needs at least one redirect URI' });
  }
  if (s.type === 'confidential') {
    for (const [field, list] of [
      ['redirectUris', s.redirectUris],
      ['postLogoutRedirectUris', s.postLogoutRedirectUris],
    ] as const) {
      list.forEach((uri, i) => {
        if (isCustomScheme(uri))
          problems.push({ path: `${field}.${i}`, message: 'a custom scheme is for public (native) applications' });
      });
    }
  }
  return problems;
}

export const applicationSchema = z.object({
  id: z.string(),
  /** The OAuth client_id: random, URL-safe, made by the service. */
  clientId: z.string(),
  name: z.string(),
  type: z.enum(applicationTypes),
  redirectUris: z.array(z.string()),
  postLogoutRedirectUris: z.array(z.string()),
  grantTypes: z.array(z.enum(grantTypes)),
  firstParty: z.boolean(),
  backchannelLogoutUri: z.string().nullable(),
  /** How it authenticates at the token endpoint: its secret over HTTP Basic, or not at all (public). */
  tokenEndpointAuthMethod: z.enum(['client_secret_basic', 'none']),
  /** PKCE (S256) is required of public clients (api-contract.md, flows). */
  pkceRequired: z.boolean(),
  /** When the current secret was made (null for a public client); the secret itself is never shown again. */
  secretCreatedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ApplicationDto = z.infer<typeof applicationSchema>;

/** The creating answer: a confidential client's secret, this once. */
export const createdApplicationSchema = applicationSchema.extend({ clientSecret: z.string().optional() });
/** The rotating answer: the new secret, this once. */
export const rotatedApplicationSchema = applicationSchema.extend({ clientSecret: z.string() });

export function settingsOf(row: ApplicationRow): ApplicationSettings {
  return {
    type: row.type,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris) as string[],
    grantTypes: JSON.parse(row.grant_types) as GrantType[],
  };
}

export function toApplicationDto(row: ApplicationRow): ApplicationDto {
  const settings = settingsOf(row);
  return {
    id: row.id,
    clientId: row.client_id,
    name: row.name,
    ...settings,
    firstParty: row.first_party === 1,
    backchannelLogoutUri: row.backchannel_logout_uri,
    tokenEndpointAuthMethod: row.type === 'public' ? 'none' : 'client_secret_basic',
    pkceRequired: row.type === 'public',
    secretCreatedAt: row.secret_created_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
