/** Run-time settings, read and changed by admins; changes take effect without a restart. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../services.ts';
import { settingsPatchSchema, settingsSchema } from './settings.schema.ts';

export const settingsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const tags = ['settings'];
  app.get(
    '/api/admin/settings',
    {
      schema: { tags, summary: 'Read the settings', response: { 200: settingsSchema } },
      config: { access: 'settings:read' },
    },
    () => services.settings.get(),
  );

  app.patch(
    '/api/admin/settings',
    {
      schema: { tags, summary: 'Change some settings', body: settingsPatchSchema, response: { 200: settingsSchema } },
      config: { access: 'settings:write' },
    },
    (request) => services.settings.update(request.body, request.auth!.actor),
  );
};
