/** Application (OAuth client) routes: the registry's admin API. One service call per handler. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf } from '../../http/caller.ts';
import { pageSchema } from '../../http/pagination.ts';
import type { Services } from '../../services.ts';
import { idParamsSchema } from '../users/users.schema.ts';
import {
  applicationSchema,
  createApplicationSchema,
  createdApplicationSchema,
  listApplicationsQuerySchema,
  rotatedApplicationSchema,
  updateApplicationSchema,
} from './applications.schema.ts';

export const applicationsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { applications } = services;
  const tags = ['applications'];
  const config = { access: 'applications:manage' } as const;

  app.get(
    '/api/admin/applications',
    {
      schema: {
        tags,
        summary: 'List the applications (OAuth clients), newest first',
        querystring: listApplicationsQuerySchema,
        response: { 200: pageSchema(applicationSchema) },
      },
      config,
    },
    (request) => applications.list(request.query),
  );

  app.post(
    '/api/admin/applications',
    {
      schema: {
        tags,
        summary: 'Register an application; a confidential one’s secret is in this answer only',
        body: createApplicationSchema,
        response: { 201: createdApplicationSchema },
      },
      config,
    },
    async (request, reply) => reply.status(201).send(await applications.create(callerOf(request), request.body)),
  );

  app.get(
    '/api/admin/applications/:id',
    {
      schema: { tags, summary: 'Read an application', params: idParamsSchema, response: { 200: applicationSchema } },
      config,
    },
    (request) => applications.get(request.params.id),
  );

  app.patch(
    '/api/admin/applications/:id',
    {
      schema: {
        tags,
        summary: 'Change an application (its type is fixed)',
        params: idParamsSchema,
        body: updateApplicationSchema,
        response: { 200: applicationSchema },
      },
      config,
    },
    (request) => applications.update(callerOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/admin/applications/:id',
    {
      schema: { tags, summary: 'Delete an application', params: idParamsSchema },
      config,
    },
    async (request, reply) => {
      await applications.delete(callerOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/admin/applications/:id/secret',
    {
      schema: {
        tags,
        summary: 'Rotate a confidential application’s secret: the old one stops at once; the new one is shown once',
        params: idParamsSchema,
        response: { 200: rotatedApplicationSchema },
      },
      config,
    },
    (request) => applications.rotateSecret(callerOf(request), request.params.id),
  );
};
