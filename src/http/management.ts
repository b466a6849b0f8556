/**
 * The management listener (GATEHOUSE_MANAGEMENT_PORT, 127.0.0.1:9464 by default): /metrics, /healthz and /readyz,
 * nothing else. main.ts listens on it beside the public app; tests inject into it. With GATEHOUSE_METRICS_TOKEN
 * set, /metrics needs that bearer token too.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { safeEqual } from '../crypto/tokens.ts';
import { healthRoutes } from '../features/health/health.routes.ts';
import type { Services } from '../services.ts';

export async function buildManagementApp(
  services: Services,
  registry: Registry,
  metricsToken: string | undefined,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, requestTimeout: 10_000, connectionTimeout: 10_000 });
  await app.register(healthRoutes, { services });
  app.get('/metrics', async (request, reply) => {
    if (metricsToken && !safeEqual(request.headers.authorization ?? '', `Bearer ${metricsToken}`)) {
      return reply.status(401).header('www-authenticate', 'Bearer').type('text/plain').send('unauthorized\n');
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return app;
}
