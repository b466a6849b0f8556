/**
 * An application as oidc-provider's client metadata (its `findClient`). The secret is left out: the provider
 * checks a presented secret with ApplicationsService.verifyClientSecret, since only a hash is stored.
 */
import type { ClientMetadata } from 'oidc-provider';
import { isCustomScheme, settingsOf } from './applications.schema.ts';
import type { ApplicationRow } from './applications.store.ts';

export type ProviderClientMetadata = ClientMetadata & {
  client_id: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  response_types: 'code'[];
  token_endpoint_auth_method: 'client_secret_basic' | 'none';
  application_type: 'web' | 'native';
};

export function providerMetadataOf(row: ApplicationRow): ProviderClientMetadata {
  const s = settingsOf(row);
  return {
    client_id: row.client_id,
    client_name: row.name,
    // oidc-provider admits a custom-scheme redirect URI only for a native client (RFC 8252), and such a client's
    // http redirects only on loopback: exactly what the registry already holds an application to.
    application_type: s.redirectUris.some(isCustomScheme) ? 'native' : 'web',
    redirect_uris: s.redirectUris,
    post_logout_redirect_uris: s.postLogoutRedirectUris,
    grant_types: s.grantTypes,
    // A client that cannot use the authorization endpoint (client credentials only) has no response type.
    response_types: s.grantTypes.includes('authorization_code') ? ['code'] : [],
    token_endpoint_auth_method: row.type === 'public' ? 'none' : 'client_secret_basic',
    ...(row.backchannel_logout_uri ? { backchannel_logout_uri: row.backchannel_logout_uri } : {}),
  };
}
