/**
 * The password policy (ASVS 6.2, NIST 800-63B): a minimum length from settings (8 by default, 15 recommended),
 * up to 256 characters, no composition rule unless the opt-in `passwordRequireMix` is on, and no common password.
 * Length counts code points of the NFKC form, the same string that is hashed.
 */
import { normalizePassword } from '../../crypto/passwords.ts';
import { AppError } from '../../errors.ts';
import type { Settings } from '../settings/settings.schema.ts';
import { isCommonPassword } from './common-passwords.ts';

export const passwordMaxLength = 256;

/** Returns why a password is refused, or undefined when it is acceptable. */
export function passwordProblem(
  password: string,
  settings: Pick<Settings, 'passwordMinLength' | 'passwordRequireMix'>,
  context: { username?: string | null; email?: string | null } = {},
): string | undefined {
  const normalized = normalizePassword(password);
  const length = [...normalized].length;
  if (length < settings.passwordMinLength) return `must be at least ${settings.passwordMinLength} characters`;
  if (length > passwordMaxLength) return `must be at most ${passwordMaxLength} characters`;
  if (isCommonPassword(normalized)) return 'is too common; choose a less guessable password';
  const lower = normalized.toLowerCase();
  for (const value of [context.username, context.email?.split('@')[0]]) {
    if (value && value.length >= 3 && lower === value.toLowerCase()) return 'must not be the same as the username';
  }
  if (settings.passwordRequireMix) {
    const classes = [/\p{L}/u, /\p{N}/u, /[^\p{L}\p{N}]/u].filter((re) => re.test(normalized)).length;
    if (classes < 3) return 'must mix letters, digits and symbols';
  }
  return undefined;
}

/** Throws a 400 naming `field` when the password is refused. */
export function assertPasswordAcceptable(
  password: string,
  settings: Pick<Settings, 'passwordMinLength' | 'passwordRequireMix'>,
  context: { username?: string | null; email?: string | null } = {},
  field = 'password',
): void {
  const problem = passwordProblem(password, settings, context);
  if (problem) {
    throw new AppError('PASSWORD_POLICY', {
      detail: `${field}: ${problem}`,
      errors: [{ path: field, message: problem }],
    });
  }
}
