/**
 * Wires the services once per app, bottom up: the write path (UserWrites, AccessWrites) first, then the entity
 * services, then the composites (sign-in and its second factor, grants, invitations, recovery, SCIM, import).
 * Every gate a service needs (the write path, the lockout counters, the second-factor step, the mail notices) is a
 * required constructor argument, so a composition that forgets one does not compile (test/unit/composition.test.ts);
 * features reach each other through these services, never through each other's stores.
 */

import { loadSecretKeys } from './crypto/secret-key.ts';
import type { Deps } from './deps.ts';
import { CopyAccessService } from './features/access/copy-access.service.ts';
import { GrantsService } from './features/access/grants.service.ts';
import { ApiKeysService } from './features/api-keys/api-keys.service.ts';
import { ApplicationsService } from './features/applications/applications.service.ts';
import { AuthService } from './features/auth/auth.service.ts';
import { SignInSessions } from './features/auth/sign-in-session.ts';
import { AccessWrites } from './features/directory/access-writes.ts';
import { ImportBatchWrites } from './features/directory/import-batch-writes.ts';
import { UserWrites } from './features/directory/user-writes.ts';
import { EventsQueryService } from './features/events/events.query.ts';
import type { Actor } from './features/events/events.service.ts';
import { GroupsService, groupExists } from './features/groups/groups.service.ts';
import { ExportService } from './features/import-export/bulk-export.service.ts';
import { ImportService } from './features/import-export/bulk-import.service.ts';
import { DeviceTokens } from './features/lockout/device-tokens.ts';
import { RedisCounters } from './features/lockout/lockout.redis.ts';
import { accountKey, LockoutService, type ProofThrottle, secondFactorKey } from './features/lockout/lockout.service.ts';
import { DatabaseCounters } from './features/lockout/lockout.store.ts';
import { MeService } from './features/me/me.service.ts';
import { createMfaServices } from './features/mfa/mfa.services.ts';
import { OrganizationsService } from './features/organizations/organizations.service.ts';
import { createAccountServices } from './features/recovery/account-services.ts';
import { RolesService } from './features/roles/roles.service.ts';
import { createScimServices } from './features/scim/scim.services.ts';
import { SessionMonitorService } from './features/sessions/sessions.monitor.ts';
import { SessionsService } from './features/sessions/sessions.service.ts';
import { SettingsService } from './features/settings/settings.service.ts';
import { UserLifecycleService } from './features/users/users.lifecycle.ts';
import { UsersService } from './features/users/users.service.ts';
import { type CookieNames, cookieNamesFor } from './http/cookies.ts';
import { MailService } from './mail/mail.service.ts';

export type { Deps } from './deps.ts';

export type Services = ReturnType<typeof createServices>;

export function createServices(deps: Deps) {
  const { db, dialect, clock, config } = deps;
  // The write path: every change to a user and to what it holds goes through these two.
  const userWrites = new UserWrites(clock);
  const accessWrites = new AccessWrites(clock);
  const importWrites = new ImportBatchWrites();
  const writes = { userWrites, accessWrites, importWrites };

  const settings = new SettingsService(db, clock, groupExists);
  const sessions = new SessionsService(db, clock, settings);
  const users = new UsersService(db, dialect, clock, settings, userWrites, accessWrites);
  const lifecycle = new UserLifecycleService(db, users, sessions, settings, userWrites);
  const mail = new MailService(db, clock, config);
  const counters = config.redisUrl ? new RedisCounters(config.redisUrl) : new DatabaseCounters(db);
  const lockout = new LockoutService(db, clock, settings, users, counters);
  // A client that signed in as an account before carries a device token for it: its attempts are counted apart
  // (issue 24, docs/decisions/0400-device-tokens-and-csrf.md).
  const keys = loadSecretKeys({ secretKey: config.secretKey, dataDir: config.dataDir });
  const deviceTokens = new DeviceTokens(keys.deviceHmac, clock);
  const passwordThrottle = (userId: string, actor: Actor) => lockout.begin(accountKey(userId), actor.ip, actor, userId);
  const proofThrottle: ProofThrottle = (userId, actor, secret) =>
    lockout.begin(secret === 'password' ? accountKey(userId) : secondFactorKey(userId), actor.ip, actor, userId);
  const me = new MeService(db, clock, sessions, settings, users, mail, userWrites, passwordThrottle);
  const sessionMonitor = new SessionMonitorService(db, clock, settings, users);
  const apiKeys = new ApiKeysService(db, clock, users);
  const applications = new ApplicationsService(db, clock);
  const roles = new RolesService(db, clock, users, accessWrites);
  const groups = new GroupsService(db, clock, settings, users, accessWrites);
  const organizations = new OrganizationsService(db, clock, users, accessWrites);
  const copyAccess = new CopyAccessService(db, clock, userWrites, accessWrites);
  const grants = new GrantsService(accessWrites);

  // Sign-in: the session issuer first, then the second-factor step, then the password step that uses both.
  const signIns = new SignInSessions(db, clock, sessions, userWrites);
  const mfaServices = createMfaServices(deps, { settings, sessions, users, signIns, mail, userWrites, proofThrottle });
  const auth = new AuthService(
    db,
    clock,
    sessions,
    signIns,
    userWrites,
    (account, client, actor, userId, presented) =>
      lockout.begin(account, client.ip, actor, userId, userId ? deviceTokens.deviceOf(presented, userId) : null),
    (user, client) => mfaServices.mfaLogin.gate(user, client),
  );

  const eventsQuery = new EventsQueryService(db, clock, settings, users);
  const importer = new ImportService(db, clock, settings, users, importWrites);
  const exporter = new ExportService(db);
  const cookies: CookieNames = cookieNamesFor(config.publicUrl, keys.csrfHmac);
  const account = createAccountServices(deps, {
    settings,
    sessions,
    users,
    lifecycle,
    mail,
    grants,
    ...writes,
    passwordThrottle,
    registrationThrottle: (ip: string | null) => lockout.admitRegistration(ip),
  });
  const scim = createScimServices(deps, { users, lifecycle, groups });
  return {
    ...deps,
    eventsQuery,
    importer,
    exporter,
    roles,
    groups,
    organizations,
    copyAccess,
    grants,
    settings,
    sessions,
    users,
    lifecycle,
    auth,
    signIns,
    me,
    sessionMonitor,
    apiKeys,
    applications,
    lockout,
    deviceTokens,
    cookies,
    mail,
    ...writes,
    ...account,
    ...mfaServices,
    ...scim,
  };
}
