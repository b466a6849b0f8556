/**
 * Every migration, by the name it is recorded under (its file name without `.ts`). Listed here rather than read
 * from the folder at start, so the service also runs as one prebuilt bundle (docs/decisions/0002); a test fails
 * when a file in this folder is missing from the list.
 */
import type { Migration } from 'kysely';
import * as core from './0001-core.ts';
import * as userSearch from './0002-user-search.ts';
import * as builtinRoles from './0003-builtin-roles.ts';
import * as mailOutbox from './0200-mail-outbox.ts';
import * as accountTokens from './0201-account-tokens.ts';
import * as mfa from './0300-mfa.ts';
import * as loginThrottle from './0350-login-throttle.ts';
import * as scim from './0450-scim.ts';
import * as userSortIndexes from './0500-user-sort-indexes.ts';
import * as userSearchMarks from './0550-user-search-marks.ts';
import * as membershipUserIndexes from './0600-membership-user-indexes.ts';
import * as userLastSignInSort from './0650-user-last-sign-in-sort.ts';
import * as userSignInOrder from './0700-user-sign-in-order.ts';
import * as userListIndexes from './0750-user-list-indexes.ts';
import * as userSearchTable from './0800-user-search-table.ts';
import * as oidc from './0850-oidc.ts';
import * as applications from './0900-applications.ts';
import * as oidcClientIndex from './0950-oidc-client-index.ts';

export const migrations: Record<string, Migration> = {
  '0001-core': core,
  '0002-user-search': userSearch,
  '0003-builtin-roles': builtinRoles,
  '0200-mail-outbox': mailOutbox,
  '0201-account-tokens': accountTokens,
  '0300-mfa': mfa,
  '0350-login-throttle': loginThrottle,
  '0450-scim': scim,
  '0500-user-sort-indexes': userSortIndexes,
  '0550-user-search-marks': userSearchMarks,
  '0600-membership-user-indexes': membershipUserIndexes,
  '0650-user-last-sign-in-sort': userLastSignInSort,
  '0700-user-sign-in-order': userSignInOrder,
  '0750-user-list-indexes': userListIndexes,
  '0800-user-search-table': userSearchTable,
  '0850-oidc': oidc,
  '0900-applications': applications,
  '0950-oidc-client-index': oidcClientIndex,
};
