/**
 * SCIM 2.0 at /scim/v2 (RFC 7644). Its own content type (application/scim+json, accepted and answered) and its own
 * error form: the scoped error handler answers every failure under /scim/v2 as a SCIM Error, not problem+json.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/caller.ts';
import type { Services } from '../../services.ts';
import { resourceTypes, schemas, serviceProviderConfig } from './scim.discovery.ts';
import { ScimError, scimErrorBody, toScimError } from './scim.errors.ts';
import { listQuerySchema, listResponse, project, projectionQuerySchema } from './scim.list.ts';

const scimType = 'application/scim+json; charset=utf-8';
const idParams = z.object({ id: z.string().min(1).max(200) });
const body = z.unknown();
const tags = ['scim'];

function registerScimProtocol(app: FastifyInstance): void {
  // Fastify's JSON parser (prototype-poisoning refused); an empty body is none, as clients send on DELETE.
  const json = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/scim+json', { parseAs: 'string' }, (request, text, done) => {
    if (text === '') return done(null, undefined);
    return json(request, String(text), done);
  });
  app.setErrorHandler((error, request, reply) => {
    const scim = toScimError(error);
    if (scim.status >= 500) request.log.error({ err: error }, 'SCIM request failed');
    return reply.status(scim.status).type(scimType).send(scimErrorBody(scim));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .type(scimType)
      .send(scimErrorBody(new ScimError(404, undefined, `No SCIM endpoint ${request.url.split('?')[0]}`))),
  );
  // JSON answers leave as application/scim+json (RFC 7644 §3.1).
  app.addHook('onSend', async (_request, reply, payload) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('application/json')) reply.type(scimType);
    return payload;
  });
}

const created = (reply: FastifyReply, resource: Record<string, unknown>) => {
  const location = (resource.meta as { location?: string } | undefined)?.location;
  if (location) reply.header('location', location);
  return reply.status(201).send(resource);
};

export const scimRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (root, { services }) => {
  const { scimUsers, scimGroups, config } = services;
  const baseUrl = `${config.publicUrl}/scim/v2`;
  await root.register(
    async (scope) => {
      registerScimProtocol(scope);
      const app = scope.withTypeProvider<ZodTypeProvider>();
      const pub = { access: 'public' } as const;
      app.get('/ServiceProviderConfig', { schema: { tags }, config: pub }, async () => serviceProviderConfig(baseUrl));
      app.get('/ResourceTypes', { schema: { tags }, config: pub }, async () => {
        const all = resourceTypes(baseUrl);
        return listResponse(all, all.length, 1);
      });
      app.get('/ResourceTypes/:id', { schema: { tags, params: idParams }, config: pub }, async (request) => {
        const found = resourceTypes(baseUrl).find((r) => r.id === request.params.id);
        if (!found) throw new ScimError(404, undefined, 'No such resource type');
        return found;
      });
      app.get('/Schemas', { schema: { tags }, config: pub }, async () => {
        const all = schemas(baseUrl);
        return listResponse(all, all.length, 1);
      });
      app.get('/Schemas/:id', { schema: { tags, params: idParams }, config: pub }, async (request) => {
        const found = schemas(baseUrl).find((s) => s.id === request.params.id);
        if (!found) throw new ScimError(404, undefined, 'No such schema');
        return found;
      });

      app.get(
        '/Users',
        { schema: { tags, querystring: listQuerySchema }, config: { access: 'users:read' } },
        async (request) => {
          const page = await scimUsers.list(callerOf(request), request.query);
          return {
            ...page,
            Resources: (page.Resources as Record<string, unknown>[]).map((r) => project(r, request.query)),
          };
        },
      );
      app.get(
        '/Users/:id',
        { schema: { tags, params: idParams, querystring: projectionQuerySchema }, config: { access: 'users:read' } },
        async (request) => project(await scimUsers.get(callerOf(request), request.params.id), request.query),
      );
      app.post('/Users', { schema: { tags, body }, config: { access: 'users:write' } }, async (request, reply) =>
        created(reply, await scimUsers.create(callerOf(request), request.body)),
      );
      app.put(
        '/Users/:id',
        { schema: { tags, params: idParams, body }, config: { access: 'users:write' } },
        async (request) => scimUsers.replace(callerOf(request), request.params.id, request.body),
      );
      app.patch(
        '/Users/:id',
        { schema: { tags, params: idParams, body }, config: { access: 'users:write' } },
        async (request) => scimUsers.patch(callerOf(request), request.params.id, request.body),
      );
      app.delete(
        '/Users/:id',
        { schema: { tags, params: idParams }, config: { access: 'users:delete' } },
        async (request, reply) => {
          await scimUsers.delete(callerOf(request), request.params.id);
          return reply.status(204).send();
        },
      );

      app.get(
        '/Groups',
        { schema: { tags, querystring: listQuerySchema }, config: { access: 'groups:read' } },
        async (request) => {
          scimGroups.assertGlobal(callerOf(request));
          const page = await scimGroups.list(request.query);
          return {
            ...page,
            Resources: (page.Resources as Record<string, unknown>[]).map((r) => project(r, request.query)),
          };
        },
      );
      app.get(
        '/Groups/:id',
        { schema: { tags, params: idParams, querystring: projectionQuerySchema }, config: { access: 'groups:read' } },
        async (request) => {
          scimGroups.assertGlobal(callerOf(request));
          return project(await scimGroups.get(request.params.id), request.query);
        },
      );
      app.post('/Groups', { schema: { tags, body }, config: { access: 'groups:write' } }, async (request, reply) =>
        created(reply, await scimGroups.create(callerOf(request), request.body)),
      );
      app.put(
        '/Groups/:id',
        { schema: { tags, params: idParams, body }, config: { access: 'groups:write' } },
        async (request) => scimGroups.replace(callerOf(request), request.params.id, request.body),
      );
      app.patch(
        '/Groups/:id',
        { schema: { tags, params: idParams, body }, config: { access: 'groups:write' } },
        async (request) => scimGroups.patch(callerOf(request), request.params.id, request.body),
      );
      app.delete(
        '/Groups/:id',
        { schema: { tags, params: idParams }, config: { access: 'groups:write' } },
        async (request, reply) => {
          await scimGroups.delete(callerOf(request), request.params.id);
          return reply.status(204).send();
        },
      );
    },
    { prefix: '/scim/v2' },
  );
};
