/** buildApp(deps): the Fastify app with every feature registered. It never listens; tests inject into it. */

import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from './deps.ts';
import { featureRoutes } from './features/index.ts';
import { authenticatePlugin } from './http/authenticate.ts';
import { registerBodyParsers } from './http/body-parsers.ts';
import { frameworkErrorHandler, registerErrorHandling } from './http/error-handler.ts';
import { registerInputGuards } from './http/input-guards.ts';
import { buildManagementApp } from './http/management.ts';
import { registerMetrics } from './http/metrics.ts';
import { registerOpenApi } from './http/openapi.ts';
import { registerSecurityHeaders } from './http/security-headers.ts';
import { createServices, type Services } from './services.ts';

/** One row per registered route: what the authorization-matrix and audit tests are generated from. */
export type RouteEntry = { method: string; url: string; access: string | undefined };

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    routeTable: RouteEntry[];
    /** The management listener's app (http/management.ts): main.ts listens on it, tests inject into it. */
    management: FastifyInstance;
  }
}

export type BuildOptions = { logger?: boolean | object };

/** Routes under these prefixes must declare `config.access`; a missing one stops the start-up (deny by default). */
const guardedPrefixes = ['/api/', '/scim/'];

export async function buildApp(deps: Deps, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    // Request ids in every log line; never trust a client-sent id blindly (it could forge log correlation).
    genReqId: () => randomUUID(),
    trustProxy: deps.config.trustProxy.length > 0 ? deps.config.trustProxy : false,
    bodyLimit: 1024 * 1024,
    // 30 s bounds slow-body attacks and how long a shutdown waits for open requests; imports that take longer
    // run through `gatehouse import` (no HTTP).
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    keepAliveTimeout: 5_000,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    frameworkErrors: frameworkErrorHandler,
    // Fastify passes `{}` when a route sets no log options, which sends pino's child() down its slow path
    // (formatters rebuilt for every request); no options at all takes its fast one.
    childLoggerFactory: (logger, bindings, opts) =>
      Object.keys(opts).length === 0 ? logger.child(bindings) : logger.child(bindings, opts),
    // Clients see only problem+json; stack traces stay in the log.
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();
  app.server.headersTimeout = 10_000;

  const services = createServices(deps);
  app.decorate('services', services);
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRoute', (route) => {
    const url = route.url ?? '';
    if (guardedPrefixes.some((p) => url.startsWith(p)) && !url.startsWith('/api/docs') && !route.config?.access) {
      throw new Error(`route ${route.method} ${url} declares no access rule (config.access)`);
    }
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routeTable.push({ method, url, access: route.config?.access });
    }
  });

  registerErrorHandling(app);
  registerBodyParsers(app);
  registerInputGuards(app);
  registerSecurityHeaders(app, { https: deps.config.publicUrl.startsWith('https://') });
  await app.register(cookie);
  await app.register(authenticatePlugin, {
    db: deps.db,
    clock: deps.clock,
    sessions: services.sessions,
    cookies: services.cookies,
  });
  await registerOpenApi(app);
  const management = await buildManagementApp(services, registerMetrics(app), deps.config.metricsToken);
  app.decorate('management', management);
  app.addHook('onClose', () => management.close());
  for (const routes of featureRoutes) await app.register(routes, { services });
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, () => app.swagger());
  return app;
}
