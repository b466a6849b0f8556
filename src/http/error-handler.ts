/** Every error leaves as application/problem+json (RFC 9457); the status comes from the error code table. */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode, errorCodes, type FieldError } from '../errors.ts';

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
};

export function problemOf(code: ErrorCode, detail?: string, errors?: FieldError[]): Problem {
  const { status, title } = errorCodes[code];
  return {
    type: `urn:gatehouse:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title,
    status,
    detail: detail ?? title,
    code,
    ...(errors ? { errors } : {}),
  };
}

export function sendProblem(reply: FastifyReply, problem: Problem, retryAfter?: number): FastifyReply {
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  return reply.status(problem.status).type('application/problem+json').send(problem);
}

/** Maps Fastify's own error codes to ours; anything else unexpected is a 500 with a generic body. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_BODY',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_BODY',
  FST_ERR_BAD_URL: 'NOT_FOUND',
  FST_ERR_ASYNC_CONSTRAINT: 'INVALID_BODY',
};

function toProblem(error: FastifyError | AppError | Error): { problem: Problem; retryAfter?: number } {
  if (error instanceof AppError) {
    return { problem: problemOf(error.code, error.message, error.errors), retryAfter: error.retryAfter };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = error.validation.flatMap((v) => {
      // Body fields are named as they are (`phone`); query and path fields carry their place (`query.limit`).
      const context = error.validationContext === 'body' ? undefined : error.validationContext;
      const at = [context, ...v.instancePath.split('/')].filter(Boolean).join('.');
      // A strict schema's refusal of unknown fields names each field, so a client sees which one to drop.
      const keys = v.keyword === 'unrecognized_keys' ? (v.params as { keys?: string[] }).keys : undefined;
      if (keys)
        return keys.map((k) => ({ path: at ? `${at}.${k}` : k, message: 'is not a field that can be set here' }));
      return [{ path: at, message: v.message ?? 'is not valid' }];
    });
    const first = errors[0];
    return { problem: problemOf('VALIDATION_FAILED', first ? `${first.path}: ${first.message}` : undefined, errors) };
  }
  const fe = error as FastifyError;
  const mapped = fe.code ? fastifyCodes[fe.code] : undefined;
  if (mapped) return { problem: problemOf(mapped) };
  if (pgTextRefusals.has(String(fe.code))) {
    return { problem: problemOf('VALIDATION_FAILED', 'Text must not contain NUL characters') };
  }
  // JSON syntax errors and prototype-poisoning refusals from the body parser arrive as plain 400s.
  if (fe.statusCode === 400) return { problem: problemOf('INVALID_BODY', 'The request body is not valid JSON') };
  if (fe.statusCode === 413) return { problem: problemOf('PAYLOAD_TOO_LARGE') };
  if (fe.statusCode === 415) return { problem: problemOf('UNSUPPORTED_MEDIA_TYPE') };
  if (fe.statusCode === 404) return { problem: problemOf('NOT_FOUND') };
  return { problem: problemOf('INTERNAL', 'An internal error occurred') };
}

/**
 * Router refusals (an id longer than maxParamLength, a malformed URL) happen before any route or error handler;
 * without this Fastify answers them in its own JSON shape instead of problem+json. Passed as `frameworkErrors`.
 */
export function frameworkErrorHandler(error: FastifyError, _request: unknown, reply: FastifyReply): FastifyReply {
  const detail = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'No resource has an id this long' : undefined;
  return sendProblem(reply, problemOf(fastifyCodes[error.code] ?? 'NOT_FOUND', detail));
}

/**
 * PostgreSQL refuses NUL in text ("invalid byte sequence", 22021; "untranslatable character", 22P05). input-guards.ts
 * refuses NUL in URLs and JSON bodies first; this maps any that still reaches the database (e.g. from a CSV) to a 400.
 */
const pgTextRefusals = new Set(['22021', '22P05']);

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    let mapped: ReturnType<typeof toProblem>;
    try {
      mapped = toProblem(error as Error);
    } catch (mappingError) {
      request.log.error({ err: mappingError }, 'error handler failed to map an error');
      mapped = { problem: problemOf('INTERNAL', 'An internal error occurred') };
    }
    const { problem, retryAfter } = mapped;
    if (problem.status >= 500) {
      request.log.error({ err: error, serialization: isResponseSerializationError(error) }, 'request failed');
    }
    return sendProblem(reply, problem, retryAfter);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problemOf('NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}`)),
  );
}
