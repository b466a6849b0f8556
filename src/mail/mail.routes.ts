/** The mail worker's lifecycle (started with the app, stopped on close) and the admin's view of the outbox. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listQuerySchema, pageSchema } from '../http/pagination.ts';
import type { Services } from '../services.ts';

const outboxItemSchema = z.object({
  id: z.string(),
  to: z.string(),
  template: z.string(),
  subject: z.string(),
  status: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: z.string(),
  lastError: z.string().nullable(),
  provider: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});

export const mailRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { mail } = services;
  const tags = ['mail'];
  mail.useLogger(app.log);
  app.addHook('onReady', async () => mail.start());
  app.addHook('onClose', async () => mail.stop());

  app.get(
    '/api/admin/mail/outbox',
    {
      schema: {
        tags,
        summary: 'Messages in the outbox; ?status=failed lists the deliveries that gave up',
        querystring: listQuerySchema.omit({ q: true }).extend({
          status: z.enum(['pending', 'sent', 'failed']).optional(),
          to: z.string().max(254).optional(),
        }),
        response: { 200: pageSchema(outboxItemSchema) },
      },
      config: { access: 'settings:read' },
    },
    (request) => mail.list(request.query),
  );

  app.post(
    '/api/admin/mail/outbox/:id/retry',
    {
      schema: {
        tags,
        summary: 'Queue a failed message for another attempt',
        params: z.object({ id: z.string().max(100) }),
        response: { 200: outboxItemSchema },
      },
      config: { access: 'settings:write' },
    },
    (request) => mail.retry(request.params.id),
  );
};
