// Where to go after signing in: a same-site `next` path when given, otherwise the console or the account area.
import { hasConsoleAccess } from '../../app/layout/nav';

/** Only a local absolute path is accepted; `//evil.com`, `/\evil.com` and full URLs fall back to the default. */
export function safeNext(next: string | null): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
  return next;
}

export function landingFor(
  user: { mustChangePassword?: boolean; permissions?: string[] },
  next: string | null,
): string {
  if (user.mustChangePassword) return '/account/password?forced=1';
  const target = safeNext(next);
  if (target) return target;
  return hasConsoleAccess(user.permissions ?? []) ? '/admin' : '/account';
}
