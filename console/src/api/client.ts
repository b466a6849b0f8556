// The one HTTP client of the console: openapi-fetch typed by schema.d.ts, generated from the server's OpenAPI document.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Reads a cookie the server made readable on purpose (the CSRF token); the session cookie itself is HttpOnly. */
export function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** Double-submit CSRF defence: every unsafe request echoes the readable cookie in a header. */
const csrf: Middleware = {
  onRequest({ request }) {
    if (!UNSAFE.has(request.method)) return request;
    const token = readCookie('gatehouse_csrf') ?? readCookie('__Host-gatehouse_csrf');
    if (token) request.headers.set('x-csrf-token', token);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: '/', credentials: 'same-origin' });
api.use(csrf);
