/**
 * Errors carry a stable code; the HTTP status and title are decided here, once.
 * Services throw `new AppError('USER_NOT_FOUND')`; http/error-handler.ts turns it into problem+json.
 * test/errors.test.ts keeps this table and docs/errors.md in step.
 */
export const errorCodes = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  INVALID_BODY: { status: 400, title: 'The request body could not be read' },
  PASSWORD_POLICY: { status: 400, title: 'The password does not meet the policy' },
  MFA_CODE_INVALID: { status: 400, title: 'The code is wrong or has expired' },
  INVALID_CREDENTIALS: { status: 401, title: 'Invalid username or password' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  SESSION_EXPIRED: { status: 401, title: 'The session has expired' },
  MFA_FAILED: { status: 401, title: 'The second-factor verification failed' },
  FORBIDDEN: { status: 403, title: 'Not allowed' },
  REGISTRATION_CLOSED: { status: 403, title: 'Self-registration is turned off' },
  CSRF_FAILED: { status: 403, title: 'Missing or wrong CSRF token' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, title: 'The password must be changed first' },
  CANNOT_DELETE_SELF: { status: 403, title: 'An administrator cannot delete, disable or remove itself' },
  ESCALATION_DENIED: { status: 403, title: 'You cannot grant what you do not hold' },
  OUTRANKED: { status: 403, title: 'The user holds permissions you do not hold' },
  ORGANIZATION_SCOPE: { status: 403, title: 'This is outside the organizations you administer' },
  ROLE_BUILT_IN: { status: 403, title: 'Built-in roles cannot be renamed, redefined or deleted' },
  CURRENT_PASSWORD_WRONG: { status: 403, title: 'The current password is wrong' },
  REAUTHENTICATION_REQUIRED: { status: 403, title: 'Confirm with your current password or a second-factor code' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  USER_NOT_FOUND: { status: 404, title: 'User not found' },
  USERNAME_TAKEN: { status: 409, title: 'The username is already taken' },
  EMAIL_TAKEN: { status: 409, title: 'The email address is already in use' },
  CONFLICT: { status: 409, title: 'Conflict' },
  NAME_TAKEN: { status: 409, title: 'The name is already taken' },
  LAST_ADMIN: { status: 409, title: 'This would leave no active administrator' },
  GROUP_CYCLE: { status: 409, title: 'A group cannot be nested under itself or one of its sub-groups' },
  GROUP_REQUIRED: { status: 409, title: 'Every user must belong to a group' },
  USER_STATUS: { status: 409, title: "The user's status does not allow this" },
  ALREADY_VERIFIED: { status: 409, title: 'It is already verified' },
  MFA_NOT_ENROLLED: { status: 409, title: 'This needs a second factor first' },
  INVITATION_USED: { status: 409, title: 'The invitation was already accepted' },
  INVITATION_REVOKED: { status: 409, title: 'The invitation was revoked' },
  PHONE_NOT_VERIFIED: { status: 409, title: 'The phone number is not verified' },
  TOKEN_INVALID: { status: 410, title: 'The link is not valid any more' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported content type' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  LOGIN_LOCKED: { status: 429, title: 'Too many failed sign-ins; try again later' },
  INTERNAL: { status: 500, title: 'Internal error' },
  UNAVAILABLE: { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof errorCodes;

export type FieldError = { path: string; message: string };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors: FieldError[] | undefined;
  /** Seconds for Retry-After on 429/503. */
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, options: { detail?: string; errors?: FieldError[]; retryAfter?: number } = {}) {
    super(options.detail ?? errorCodes[code].title);
    this.name = 'AppError';
    this.code = code;
    this.status = errorCodes[code].status;
    this.errors = options.errors;
    this.retryAfter = options.retryAfter;
  }
}

/** Keeps services flat: `assertThat(user, 'USER_NOT_FOUND')`. */
export function assertThat(value: unknown, code: ErrorCode, detail?: string): asserts value {
  if (!value) throw new AppError(code, detail === undefined ? {} : { detail });
}

/** A 400 naming one field. */
export function fieldError(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', { detail: `${path}: ${message}`, errors: [{ path, message }] });
}
