/** Audit-trail routes: read-only (events are append-only through the API), plus export and the retention job. */
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf } from '../../http/caller.ts';
import { pageSchema } from '../../http/pagination.ts';
import type { Services } from '../../services.ts';
import { idParamsSchema } from '../users/users.schema.ts';
import { eventSchema, exportEventsQuerySchema, listEventsQuerySchema } from './events.schema.ts';

const retentionIntervalMs = 6 * 3_600_000;

export const eventsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { eventsQuery } = services;
  const tags = ['events'];

  app.get(
    '/api/admin/events',
    {
      schema: {
        tags,
        summary: 'Query the audit trail, newest first',
        querystring: listEventsQuerySchema,
        response: { 200: pageSchema(eventSchema) },
      },
      config: { access: 'events:read' },
    },
    (request) => eventsQuery.list(request.query),
  );

  app.get(
    '/api/admin/events/export',
    {
      schema: {
        tags,
        summary: 'Export the audit trail as JSON Lines or CSV (streamed)',
        querystring: exportEventsQuerySchema,
      },
      config: { access: 'events:read' },
    },
    (request, reply) => {
      const { format, ...filter } = request.query;
      reply.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="gatehouse-events.${format}"`);
      return reply.send(Readable.from(eventsQuery.export(filter, format)));
    },
  );

  app.get(
    '/api/admin/users/:id/events',
    {
      schema: {
        tags,
        summary: 'Events about or by one user',
        params: idParamsSchema,
        querystring: listEventsQuerySchema,
        response: { 200: pageSchema(eventSchema) },
      },
      config: { access: 'events:read' },
    },
    (request) => eventsQuery.forUser(callerOf(request), request.params.id, request.query),
  );

  // Retention: an unref'd timer, so it never keeps the process alive, cleared when the app closes.
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    timer = setInterval(() => {
      eventsQuery.enforceRetention().catch((err: unknown) => app.log.error({ err }, 'audit retention failed'));
    }, retentionIntervalMs);
    timer.unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));
};
