/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) through `otpauth`; time comes from the caller's clock, never Date.now. */
import type * as OtpAuth from 'otpauth';
import { lazyRequire } from '../lazy-require.ts';

/** Loaded at the first TOTP operation, not at start (footprint). */
const otpauth = lazyRequire<typeof OtpAuth>('otpauth');

export const totpPeriodSeconds = 30;

/** A new 160-bit seed, base32 as authenticator apps expect it. */
export function newTotpSecret(): string {
  return new (otpauth().Secret)({ size: 20 }).base32;
}

export function totpUri(secret: string, issuer: string, label: string): string {
  const { Secret, TOTP } = otpauth();
  return new TOTP({ issuer, label, secret: Secret.fromBase32(secret), period: totpPeriodSeconds }).toString();
}

/** The time step a timestamp falls in. */
export function totpStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / totpPeriodSeconds);
}

/**
 * The time step `code` belongs to when it is valid at `at` with ±1 step of drift, else null. The caller accepts
 * it only for a step later than the last one used, which is what makes a code single-use.
 */
export function matchTotp(secret: string, code: string, at: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const { Secret, TOTP } = otpauth();
  const delta = TOTP.validate({
    token: code,
    secret: Secret.fromBase32(secret),
    period: totpPeriodSeconds,
    timestamp: at.getTime(),
    window: 1,
  });
  return delta === null ? null : totpStep(at) + delta;
}
