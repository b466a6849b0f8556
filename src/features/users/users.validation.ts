/** Rules a user's fields follow whatever door they come through: lengths from settings, E.164 phones, unique keys. */
import type * as LibPhoneNumber from 'libphonenumber-js/max';
import { fieldError } from '../../errors.ts';
import { lazyRequire } from '../../lazy-require.ts';
import type { Settings } from '../settings/settings.schema.ts';

/** Its full metadata (a few MB once loaded) is needed only when a phone number is checked, not at start. */
const libphonenumber = lazyRequire<typeof LibPhoneNumber>('libphonenumber-js/max');

/** The case-insensitive key of a username or email (NFKC + lower case). */
export function loginKey(value: string): string {
  return value.normalize('NFKC').toLowerCase();
}

export function checkUsername(
  username: string,
  settings: Pick<Settings, 'usernameMinLength' | 'usernameMaxLength'>,
): void {
  const length = [...username].length;
  if (length < settings.usernameMinLength) {
    throw fieldError('username', `must be at least ${settings.usernameMinLength} characters`);
  }
  if (length > settings.usernameMaxLength) {
    throw fieldError('username', `must be at most ${settings.usernameMaxLength} characters`);
  }
}

/** Normalises a phone number to E.164; refuses what is not a valid international number. */
export function normalizePhone(raw: string | null | undefined): string | null | undefined {
  if (raw === undefined || raw === null) return raw;
  const trimmed = raw.trim();
  if (trimmed === '') return null;
  const parsed = libphonenumber().parsePhoneNumberFromString(trimmed);
  if (!parsed?.isValid()) {
    throw fieldError('phone', 'must be a valid phone number in international format, such as +41 44 668 18 00');
  }
  return parsed.number;
}

/** Empty strings in optional text fields mean "none". */
export function blankToNull(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  return value.trim() === '' ? null : value;
}
