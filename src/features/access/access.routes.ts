/** Why someone holds a permission, and copying one user's access to another. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/caller.ts';
import type { Services } from '../../services.ts';
import { idParamsSchema } from '../users/users.schema.ts';
import { explainPermissions } from './access.service.ts';
import { permissions } from './permissions.ts';

const grantSchema = z.object({
  via: z.enum(['direct', 'group', 'organization']),
  role: z.string(),
  groupPath: z.string().optional(),
  organizationId: z.string().optional(),
});

const explanationSchema = z.object({
  items: z.array(z.object({ permission: z.enum(permissions), grants: z.array(grantSchema) })),
});

export const accessRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const tags = ['access'];

  app.get(
    '/api/admin/users/:id/permissions',
    {
      schema: {
        tags,
        summary: 'Effective permissions, each with every path that grants it',
        params: idParamsSchema,
        response: { 200: explanationSchema },
      },
      config: { access: 'users:read' },
    },
    async (request) => {
      await services.users.getRowFor(callerOf(request), request.params.id, 'users:read');
      const grants = await explainPermissions(services.db, request.params.id);
      const items = permissions
        .map((permission) => ({
          permission,
          grants: grants.filter((g) => g.permission === permission).map(({ permission: _p, ...rest }) => rest),
        }))
        .filter((i) => i.grants.length > 0);
      return { items };
    },
  );

  app.post(
    '/api/admin/users/:id/access/copy',
    {
      schema: {
        tags,
        summary: "Give this user another user's roles, groups and organization memberships",
        params: idParamsSchema,
        body: z.strictObject({ fromUserId: z.string().min(1).max(100) }),
        response: {
          200: z.object({ roles: z.number().int(), groups: z.number().int(), organizations: z.number().int() }),
        },
      },
      config: { access: 'users:write' },
    },
    (request) => services.copyAccess.copy(callerOf(request), request.params.id, request.body.fromUserId),
  );
};
