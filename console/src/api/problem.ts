// RFC 9457 problem documents from the server, turned into errors people can read and per-field form messages.

export interface FieldError {
  path: Array<string | number> | string;
  message: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: FieldError[];
}

/** Thrown by `unwrap` for every non-2xx answer; carries the problem document as sent. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title || `The server answered ${status}.`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

function asProblem(error: unknown, response: Response): Problem {
  if (error && typeof error === 'object') return error as Problem;
  if (typeof error === 'string' && error) return { title: error, status: response.status };
  return { title: response.statusText || 'Request failed', status: response.status };
}

/** Returns the data of an openapi-fetch result, or throws an ApiError built from the problem document. */
export async function unwrap<T>(pending: Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok) throw new ApiError(response.status, asProblem(error, response));
  return data as T;
}

/** Last element of a validation error path: the name of the form field it belongs to. */
export function fieldOf(path: FieldError['path']): string {
  const parts = Array.isArray(path) ? path : String(path).split(/[./]/).filter(Boolean);
  const last = parts[parts.length - 1];
  return last === undefined ? '' : String(last);
}

/** Server messages are written to follow the field name ("must be …"); next to the field they start a sentence. */
function sentence(message: string): string {
  const text = message.startsWith('is ') ? `This ${message}` : message;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Field name → message, for `form.setErrors`; messages without a known field are returned apart. */
export function fieldErrors(
  error: unknown,
  known: readonly string[],
): { fields: Record<string, string>; rest: string[] } {
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  if (!(error instanceof ApiError)) return { fields, rest: [describeError(error)] };
  for (const item of error.problem.errors ?? []) {
    const name = fieldOf(item.path);
    if (known.includes(name) && !fields[name]) fields[name] = sentence(item.message);
    else rest.push(item.message);
  }
  if (!error.problem.errors?.length) rest.push(describeError(error));
  return { fields, rest };
}

/** One sentence for a person, whatever went wrong. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return error.problem.detail || 'You are not allowed to do this.';
    if (error.status === 429) return 'Too many attempts. Wait a moment and try again.';
    if (error.status >= 500) return 'The server could not complete this request. Try again in a moment.';
    return error.message;
  }
  if (error instanceof TypeError) return 'The server cannot be reached. Check your connection.';
  return error instanceof Error ? error.message : 'Something went wrong.';
}
