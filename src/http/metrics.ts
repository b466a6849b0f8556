/**
 * Prometheus metrics: process defaults and a request-duration histogram by route and status, observed on the
 * public app and served by the management listener only (http/management.ts): per-route counts, the Node version
 * and memory are nobody's business on the public port.
 */
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, type Metric, Registry } from 'prom-client';
import { RequestDurations } from './request-durations.ts';

export function registerMetrics(app: FastifyInstance): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new RequestDurations(
    'gatehouse_http_request_duration_seconds',
    'HTTP request duration by route template and status',
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  );
  registry.registerMetric(duration as unknown as Metric);
  // A callback hook, not an async one: it runs after every answer and needs no promise.
  app.addHook('onResponse', (request, reply, done) => {
    duration.observe(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
  return registry;
}
