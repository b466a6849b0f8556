/** Every feature's routes, registered by app.ts. A new feature adds one line here. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { mailRoutes } from '../mail/mail.routes.ts';
import type { Services } from '../services.ts';
import { accessRoutes } from './access/access.routes.ts';
import { apiKeysRoutes } from './api-keys/api-keys.routes.ts';
import { applicationsRoutes } from './applications/applications.routes.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { consoleRoutes } from './console/console.plugin.ts';
import { emailRoutes } from './email-change/email.routes.ts';
import { eventsRoutes } from './events/events.routes.ts';
import { groupsRoutes } from './groups/groups.routes.ts';
import { healthRoutes } from './health/health.routes.ts';
import { importExportRoutes } from './import-export/bulk.routes.ts';
import { invitationsRoutes } from './invitations/invitations.routes.ts';
import { lockoutRoutes } from './lockout/lockout.routes.ts';
import { meRoutes } from './me/me.routes.ts';
import { mfaLoginRoutes } from './mfa/mfa.login.routes.ts';
import { mfaRoutes } from './mfa/mfa.routes.ts';
import { organizationsRoutes } from './organizations/organizations.routes.ts';
import { recoveryRoutes } from './recovery/recovery.routes.ts';
import { registrationRoutes } from './registration/registration.routes.ts';
import { rolesRoutes } from './roles/roles.routes.ts';
import { scimRoutes } from './scim/scim.routes.ts';
import { sessionsRoutes } from './sessions/sessions.routes.ts';
import { settingsRoutes } from './settings/settings.routes.ts';
import { statsRoutes } from './stats/stats.routes.ts';
import { usersRoutes } from './users/users.routes.ts';

export const featureRoutes: FastifyPluginAsyncZod<{ services: Services }>[] = [
  healthRoutes,
  authRoutes,
  meRoutes,
  mfaRoutes,
  mfaLoginRoutes,
  usersRoutes,
  statsRoutes,
  eventsRoutes,
  importExportRoutes,
  rolesRoutes,
  groupsRoutes,
  organizationsRoutes,
  accessRoutes,
  settingsRoutes,
  sessionsRoutes,
  apiKeysRoutes,
  applicationsRoutes,
  lockoutRoutes,
  mailRoutes,
  recoveryRoutes,
  registrationRoutes,
  emailRoutes,
  invitationsRoutes,
  scimRoutes,
  consoleRoutes,
];
