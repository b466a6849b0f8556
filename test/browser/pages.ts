// Steps a person takes in the console, written once and shared by the browser tests.

import assert from 'node:assert/strict';
import * as OTPAuth from 'otpauth';
import type { Page } from 'playwright-core';
import type { TestApp } from '../harness.ts';

/** Signs in through the form at `/`; stops at the second-factor step when one is asked for. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Opens the signed-in user's menu: the header button with the avatar, named by the user's visible name. */
export async function openAccountMenu(page: Page): Promise<void> {
  await page
    .getByRole('button')
    .filter({ has: page.locator('.mantine-Avatar-root') })
    .click();
}

/** The current TOTP code for a base32 secret, at the server's idea of now. */
export function totpCode(secret: string, at: Date = new Date()): string {
  const totp = new OTPAuth.TOTP({
    secret: OTPAuth.Secret.fromBase32(secret.replace(/\s+/g, '')),
    digits: 6,
    period: 30,
  });
  return totp.generate({ timestamp: at.getTime() });
}

/** Waits for a Mantine notification with this title. */
export async function expectNotification(page: Page, title: string | RegExp): Promise<void> {
  await page.locator('.mantine-Notification-root').filter({ hasText: title }).first().waitFor();
}

/** Enrols an authenticator app for the signed-in holder of `token` through the API; returns its secret. */
export async function enrolTotp(gh: TestApp, token: string, password: string): Promise<string> {
  const start = await gh.request('POST', '/api/me/mfa/totp', { token, body: { currentPassword: password } });
  assert.equal(start.status, 200, JSON.stringify(start.body));
  const secret = start.body.secret as string;
  const confirm = await gh.request('POST', '/api/me/mfa/totp/confirm', {
    token,
    body: { code: totpCode(secret, gh.clock.now()) },
  });
  assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
  return secret;
}

/** Signs in through the form and answers the second-factor step with a fresh TOTP code. */
export async function signInWithTotp(page: Page, gh: TestApp, username: string, password: string, secret: string) {
  await signIn(page, username, password);
  await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
  // Each code is accepted once: step the server's clock past any code already used.
  gh.clock.advance(30_000);
  await page.getByLabel('Verification code').fill(totpCode(secret, gh.clock.now()));
  await page.getByRole('button', { name: 'Verify' }).click();
}
