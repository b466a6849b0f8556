/**
 * SCIM errors (RFC 7644 §3.12): `{schemas:[Error], status:"400", scimType, detail}`. Services throw ScimError
 * for protocol faults; AppErrors from the shared services (validation, uniqueness, not found) are mapped here, so
 * the SCIM door answers in the SCIM form while the users and groups rules stay the same as the API's.
 */
import type { FastifyError } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode } from '../../errors.ts';

export const errorSchema = 'urn:ietf:params:scim:api:messages:2.0:Error';

export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: ScimType | undefined,
    detail: string,
  ) {
    super(detail);
    this.name = 'ScimError';
  }
}

export const invalidFilter = (detail: string) => new ScimError(400, 'invalidFilter', detail);
export const invalidValue = (detail: string) => new ScimError(400, 'invalidValue', detail);
export const invalidPath = (detail: string) => new ScimError(400, 'invalidPath', detail);
export const invalidSyntax = (detail: string) => new ScimError(400, 'invalidSyntax', detail);
export const noTarget = (detail: string) => new ScimError(400, 'noTarget', detail);
export const mutability = (detail: string) => new ScimError(400, 'mutability', detail);

export type ScimErrorBody = { schemas: string[]; status: string; scimType?: ScimType; detail: string };

const byCode: Partial<Record<ErrorCode, ScimType>> = {
  VALIDATION_FAILED: 'invalidValue',
  PASSWORD_POLICY: 'invalidValue',
  INVALID_BODY: 'invalidSyntax',
  USERNAME_TAKEN: 'uniqueness',
  EMAIL_TAKEN: 'uniqueness',
  NAME_TAKEN: 'uniqueness',
};

function fromAppError(error: AppError): ScimError {
  const fields = error.errors?.map((e) => `${e.path}: ${e.message}`).join('; ');
  const detail = fields ? `${error.message} (${fields})` : error.message;
  // Other conflicts are state conflicts (no scimType).
  const scimType = byCode[error.code];
  return new ScimError(error.status, scimType, detail);
}

/** Maps anything thrown under /scim/v2 to the SCIM error form; unknown failures stay a generic 500. */
export function toScimError(error: unknown): ScimError {
  if (error instanceof ScimError) return error;
  if (error instanceof AppError) return fromAppError(error);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const first = error.validation[0];
    const at = [error.validationContext, ...(first?.instancePath.split('/') ?? [])].filter(Boolean).join('.');
    return invalidValue(`${at}: ${first?.message ?? 'is not valid'}`);
  }
  const fe = error as FastifyError;
  if (fe.statusCode === 413) return new ScimError(413, undefined, 'The request body is too large');
  if (fe.statusCode === 415) return new ScimError(415, undefined, 'Send application/scim+json or application/json');
  if (fe.statusCode === 400) return invalidSyntax('The request body is not valid JSON');
  if (fe.statusCode === 404) return new ScimError(404, undefined, 'Not found');
  return new ScimError(500, undefined, 'An internal error occurred');
}

export function scimErrorBody(error: ScimError): ScimErrorBody {
  return {
    schemas: [errorSchema],
    status: String(error.status),
    ...(error.scimType ? { scimType: error.scimType } : {}),
    detail: error.message,
  };
}
