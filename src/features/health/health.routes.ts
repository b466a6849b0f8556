/** Liveness and readiness for orchestrators; neither needs a credential nor says anything sensitive. */

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import type { Services } from '../../services.ts';

export const healthRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get('/healthz', { config: { access: 'public' }, schema: { hide: true } }, () => ({ status: 'ok' }));

  app.get('/readyz', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(services.db);
      return { status: 'ready' };
    } catch {
      return reply.status(503).type('application/problem+json').send({
        type: 'urn:gatehouse:problem:unavailable',
        title: 'Service unavailable',
        status: 503,
        detail: 'The database does not answer',
        code: 'UNAVAILABLE',
      });
    }
  });
};
