/**
 * Wires the services once per app. Each service gets only the stores and channels it uses;
 * features reach each other through these services, never through each other's stores.
 */
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import { loadSecretKeys } from './crypto/secret-key.ts';
import type { Db, Dialect } from './db/database.ts';
import { CopyAccessService } from './features/access/copy-access.service.ts';
import { GrantsService } from './features/access/grants.service.ts';
import { ApiKeysService } from './features/api-keys/api-keys.service.ts';
import { AuthService } from './features/auth/auth.service.ts';
import { EventsQueryService } from './features/events/events.query.ts';
import type { Actor } from './features/events/events.service.ts';
import { GroupsService } from './features/groups/groups.service.ts';
import { ExportService } from './features/import-export/bulk-export.service.ts';
import { ImportService } from './features/import-export/bulk-import.service.ts';
import { DeviceTokens } from './features/lockout/device-tokens.ts';
import { RedisCounters } from './features/lockout/lockout.redis.ts';
import { accountKey, LockoutService } from './features/lockout/lockout.service.ts';
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

export type Deps = { config: Config; db: Db; dialect: Dialect; clock: Clock };

export type Services = ReturnType<typeof createServices>;

export function createServices(deps: Deps) {
  const { db, dialect, clock, config } = deps;
  const settings = new SettingsService(db, clock);
  const sessions = new SessionsService(db, clock, settings);
  const users = new UsersService(db, dialect, clock, settings);
  const lifecycle = new UserLifecycleService(db, clock, users, sessions, settings);
  const auth = new AuthService(db, clock, sessions);
  const mail = new MailService(db, clock, config);
  const me = new MeService(db, clock, sessions, settings, users, mail);
  const sessionMonitor = new SessionMonitorService(db, clock, settings, users);
  const apiKeys = new ApiKeysService(db, clock, users);
  const counters = config.redisUrl ? new RedisCounters(config.redisUrl) : new DatabaseCounters(db);
  const lockout = new LockoutService(db, clock, settings, users, counters);
  const keys = loadSecretKeys({ secretKey: config.secretKey, dataDir: config.dataDir });
  const deviceTokens = new DeviceTokens(keys.deviceHmac, clock);
  auth.attachThrottle((account, client, actor, userId, presented) =>
    lockout.begin(account, client.ip, actor, userId, userId ? deviceTokens.deviceOf(presented, userId) : null),
  );
  const passwordThrottle = (userId: string, actor: Actor) => lockout.begin(accountKey(userId), actor.ip, actor, userId);
  me.attachThrottle(passwordThrottle);
  const roles = new RolesService(db, clock, users);
  const groups = new GroupsService(db, clock, settings, users);
  const organizations = new OrganizationsService(db, clock, users);
  const copyAccess = new CopyAccessService(db, clock, users, groups, organizations);
  users.setAccessGrants(copyAccess);
  const grants = new GrantsService(clock, users, groups, organizations);
  settings.addValidator((db, next) => groups.validateDefaultGroup(db, next.requireGroup, next.defaultGroupId));
  const eventsQuery = new EventsQueryService(db, clock, settings, users);
  const importer = new ImportService(db, clock, settings, users);
  const exporter = new ExportService(db);
  const cookies: CookieNames = cookieNamesFor(config.publicUrl, keys.csrfHmac);
  const account = createAccountServices(deps, { settings, sessions, users, lifecycle, mail, grants });
  account.email.attachThrottle(passwordThrottle);
  account.registration.attachThrottle((ip) => lockout.admitRegistration(ip));
  const mfaServices = createMfaServices(deps, { settings, sessions, users, auth, mail });
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
    me,
    sessionMonitor,
    apiKeys,
    lockout,
    deviceTokens,
    cookies,
    mail,
    ...account,
    ...mfaServices,
    ...scim,
  };
}
