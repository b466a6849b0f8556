// Two-step sign-in in the browser: the admin enrols an authenticator app from its QR page, then signs in with a
// TOTP code; a recovery code works once as the second factor.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { adminCredentials } from '../harness.ts';
import { type BrowserStack, startBrowserStack } from './harness.ts';
import { openAccountMenu, signIn, totpCode } from './pages.ts';

let stack: BrowserStack;
let secret = '';
let recoveryCodes: string[] = [];
before(async () => {
  stack = await startBrowserStack();
});
after(async () => {
  await stack?.close();
});

async function signOut(): Promise<void> {
  const { page } = stack;
  await openAccountMenu(page);
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

test('an authenticator app is enrolled from the QR code page and recovery codes are shown once', async () => {
  const { page, gh } = stack;
  await signIn(page, adminCredentials.username, adminCredentials.password);
  await page.waitForURL('**/admin/users');
  await page.goto('/account/security');
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  const proof = page.getByRole('dialog', { name: 'Confirm it is you' });
  await proof.getByLabel('Current password').fill(adminCredentials.password);
  await proof.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('img', { name: /QR code/ }).waitFor();
  secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').trim();
  assert.match(secret, /^[A-Z2-7]+=*$/);
  await stack.screenshot('account-totp-enrol');
  await page.getByLabel('Code from the app').fill(totpCode(secret, gh.clock.now()));
  await page.getByRole('button', { name: 'Turn on' }).click();
  const codes = page.getByTestId('recovery-codes');
  await codes.waitFor();
  recoveryCodes = (await codes.locator('code').allTextContents()).map((code) => code.trim());
  assert.equal(recoveryCodes.length, 10);
  await stack.screenshot('account-recovery-codes');
  await page.getByRole('button', { name: 'I saved them' }).click();
  await page.getByRole('table', { name: 'Your second factors' }).getByText('totp').waitFor();
});

test('signing in asks for the code from the app and then opens the console', async () => {
  const { page, gh } = stack;
  await signOut();
  // A code is accepted once: move to the next 30-second step rather than reuse the enrolment code.
  gh.clock.advance(30_000);
  await signIn(page, adminCredentials.username, adminCredentials.password);
  await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
  await stack.screenshot('sign-in-totp');
  await page.getByLabel('Verification code').fill('000000');
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('alert').waitFor();
  await page.getByLabel('Verification code').fill(totpCode(secret, gh.clock.now()));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL('**/admin/users');
});

test('a recovery code stands in for the app once', async () => {
  const { page } = stack;
  const [code] = recoveryCodes;
  assert.ok(code);
  await signOut();
  await signIn(page, adminCredentials.username, adminCredentials.password);
  await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
  await page.getByText('Recovery code', { exact: true }).click();
  await page.getByRole('textbox', { name: 'Recovery code' }).fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL('**/admin/users');

  await signOut();
  await signIn(page, adminCredentials.username, adminCredentials.password);
  await page.getByText('Recovery code', { exact: true }).click();
  await page.getByRole('textbox', { name: 'Recovery code' }).fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('alert').waitFor();
});
