/**
 * The first administrator. There is no default account (ASVS 6.3.2): it comes from GATEHOUSE_ADMIN_USERNAME and
 * GATEHOUSE_ADMIN_PASSWORD, or from `npx gatehouse admin create`. Idempotent; never overwrites an existing user.
 */

import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { systemCaller } from './features/access/caller.ts';
import { builtInRoleIds } from './features/access/permissions.ts';
import { anyAdminExists, findUserByLogin } from './features/users/users.store.ts';
import { loginKey } from './features/users/users.validation.ts';
import type { Services } from './services.ts';

export type BootstrapOutcome = 'exists' | 'created' | 'username-taken' | 'not-configured';

export async function ensureFirstAdmin(
  services: Services,
  config: Config,
  log: Pick<Logger, 'info' | 'warn'>,
): Promise<BootstrapOutcome> {
  if (await anyAdminExists(services.db, builtInRoleIds.admin)) return 'exists';
  const { adminUsername, adminPassword } = config;
  if (!adminUsername || !adminPassword) {
    log.warn(
      'No administrator exists yet. Create one with:  npx gatehouse admin create --username <name>   ' +
        '(or start with GATEHOUSE_ADMIN_USERNAME and GATEHOUSE_ADMIN_PASSWORD set)',
    );
    return 'not-configured';
  }
  if (await findUserByLogin(services.db, loginKey(adminUsername))) {
    log.warn({ username: adminUsername }, 'GATEHOUSE_ADMIN_USERNAME names an existing user; it is left unchanged');
    return 'username-taken';
  }
  await createAdmin(services, adminUsername, adminPassword);
  log.info({ username: adminUsername }, 'created the first administrator from the environment');
  return 'created';
}

/** Creates a user holding the Admin role, in one transaction (also used by the CLI), through the write path. */
export async function createAdmin(services: Services, username: string, password: string): Promise<string> {
  const user = await services.users.create(systemCaller, { username, password, roleIds: [builtInRoleIds.admin] });
  return user.id;
}
