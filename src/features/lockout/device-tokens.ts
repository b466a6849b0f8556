/**
 * Device tokens (OWASP "Slow Down Online Guessing Attacks with Device Cookies"; NIST SP 800-63B 5.2.2): a client
 * that has signed in as an account gets a token signed with the server key, naming that account and a random
 * device id. A later sign-in that presents it is counted on the device's own counter, so an address-wide throttle
 * or an account lock caused by somebody else never stops the legitimate user. Stateless: nothing is stored but
 * the device's failure counter.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { randomToken } from '../../crypto/tokens.ts';

const prefix = 'gdt1_';
/** A device token lives half a year; every successful sign-in issues a fresh one. */
export const deviceTokenLifetimeMs = 180 * 86_400_000;
/** A browser keeps tokens for this many accounts in its device cookie (the newest first). */
const tokensPerCookie = 5;

type Claims = { userId: string; deviceId: string; expiresAt: number };

export class DeviceTokens {
  constructor(
    private readonly key: Uint8Array,
    private readonly clock: Clock,
  ) {}

  /** A new token for `userId` (a new device id each time, so each sign-in starts a clean device counter). */
  issue(userId: string): string {
    const claims = [userId, randomToken(16), String(this.clock.now().getTime() + deviceTokenLifetimeMs)].join(' ');
    const payload = Buffer.from(claims, 'utf8').toString('base64url');
    return `${prefix}${payload}.${this.mac(payload)}`;
  }

  /** The device id of the first presented token that is genuine, unexpired and issued to `userId`; else null. */
  deviceOf(presented: readonly string[], userId: string): string | null {
    for (const token of presented) {
      const claims = this.verify(token);
      if (claims && claims.userId === userId) return claims.deviceId;
    }
    return null;
  }

  /** The device cookie's new value: the fresh token first, then those of other accounts still valid. */
  cookieValue(fresh: string, userId: string, previous: readonly string[]): string {
    const others = previous.filter((t) => {
      const claims = this.verify(t);
      return claims !== null && claims.userId !== userId;
    });
    return [fresh, ...others].slice(0, tokensPerCookie).join('~');
  }

  private verify(token: string): Claims | null {
    if (!token.startsWith(prefix) || token.length > 400) return null;
    const [payload, mac] = token.slice(prefix.length).split('.');
    if (!payload || !mac) return null;
    const expected = Buffer.from(this.mac(payload), 'base64url');
    const given = Buffer.from(mac, 'base64url');
    // Constant-time comparison of the MACs (equal length checked first; the length is public).
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const [userId, deviceId, expires] = Buffer.from(payload, 'base64url').toString('utf8').split(' ');
    const expiresAt = Number(expires);
    if (!userId || !deviceId || !(expiresAt > this.clock.now().getTime())) return null;
    return { userId, deviceId, expiresAt };
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload, 'utf8').digest('base64url');
  }
}

/** The tokens a device cookie holds. */
export function tokensOfCookie(value: string | undefined): string[] {
  return value ? value.split('~').filter(Boolean).slice(0, tokensPerCookie) : [];
}
