/** POST /api/admin/import (CSV streamed, or JSON) and GET /api/admin/export (CSV or JSON, streamed). */
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { registerForeignHashes } from '../../crypto/foreign-hashes.ts';
import { AppError } from '../../errors.ts';
import { callerOf } from '../../http/caller.ts';
import type { Services } from '../../services.ts';
import { csvSource, jsonSource } from './bulk-import.parse.ts';
import { importResultSchema } from './bulk-import.schema.ts';

/** Large enough for a million-row CSV; CSV is parsed as a stream, so this bounds the upload, not memory. */
const importBodyLimit = 512 * 1024 * 1024;

export const importExportRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  registerForeignHashes();
  // The CSV body reaches the handler as the raw request stream (never buffered).
  app.addContentTypeParser(['text/csv', 'application/csv'], { bodyLimit: importBodyLimit }, (_req, payload, done) =>
    done(null, payload),
  );
  const tags = ['import-export'];

  app.post(
    '/api/admin/import',
    {
      bodyLimit: importBodyLimit,
      schema: {
        tags,
        summary: 'Import users and groups from CSV or JSON (dryRun reports without changing anything)',
        querystring: z.object({ dryRun: z.enum(['true', 'false']).default('false') }),
        response: { 200: importResultSchema },
      },
      config: { access: 'users:write' },
    },
    async (request) => {
      const csv = /^(text|application)\/csv\b/i.test(String(request.headers['content-type'] ?? ''));
      if (!csv && (request.body === undefined || request.body === null)) {
        throw new AppError('INVALID_BODY', { detail: 'Send the file as text/csv or application/json' });
      }
      const source = csv ? csvSource(request.body as Readable) : jsonSource(request.body);
      return services.importer.run(callerOf(request), source, { dryRun: request.query.dryRun === 'true' });
    },
  );

  app.get(
    '/api/admin/export',
    {
      schema: {
        tags,
        summary: 'Export users (with groups, roles, organizations) and groups as CSV or JSON, streamed',
        querystring: z.object({ format: z.enum(['csv', 'json']).default('json') }),
      },
      config: { access: 'users:read' },
    },
    async (request, reply) => {
      const { format } = request.query;
      const chunks = services.exporter.export(callerOf(request), format);
      // Pull the first chunk before answering, so a refusal is a problem response and not a broken stream.
      const first = await chunks.next();
      reply.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="gatehouse-directory.${format}"`);
      return reply.send(Readable.from(prepend(first.done ? undefined : first.value, chunks)));
    },
  );
};

async function* prepend(first: string | undefined, rest: AsyncGenerator<string>): AsyncGenerator<string> {
  if (first !== undefined) yield first;
  yield* rest;
}
