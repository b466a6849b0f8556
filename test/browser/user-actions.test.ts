// Helping a locked-out user from its page: remove a lost authenticator, hand over or mail a recovery link.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { adminCredentials } from '../harness.ts';
import { linksIn } from '../support/smtp.ts';
import { type BrowserStack, startBrowserStack } from './harness.ts';
import { enrolTotp, expectNotification, signIn } from './pages.ts';

let stack: BrowserStack;
let linusId = '';
before(async () => {
  stack = await startBrowserStack();
  const { gh } = stack;
  linusId = await gh.createUser({ username: 'linus', email: 'linus@example.com', password: 'kernel panic at dawn' });
  await enrolTotp(gh, await gh.signIn('linus', 'kernel panic at dawn'), 'kernel panic at dawn');
  await signIn(stack.page, adminCredentials.username, adminCredentials.password);
  await stack.page.waitForURL('**/admin/users');
});
after(async () => {
  await stack?.close();
});

test('a lost authenticator app is removed by an administrator after a confirmation', async () => {
  const { page, gh } = stack;
  await page.goto(`/admin/users/${linusId}?tab=authenticators`);
  const table = page.getByRole('table', { name: 'Authenticators' });
  await table.getByText('totp').waitFor();
  await stack.screenshot('user-authenticators');
  await table.getByRole('button', { name: 'Remove' }).click();
  await page
    .getByRole('dialog', { name: /Remove this TOTP authenticator/ })
    .getByRole('button', { name: 'Remove' })
    .click();
  await page.getByText('No second factor').waitFor();
  const login = await gh.request('POST', '/api/auth/login', {
    body: { username: 'linus', password: 'kernel panic at dawn' },
  });
  assert.equal(login.body.mfaRequired, undefined, 'the password alone signs in again');
});

test('a recovery link is shown to hand over, and it sets a new password in another browser', async () => {
  const { page, gh } = stack;
  await page.getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Copy recovery link' }).click();
  const dialog = page.getByRole('dialog', { name: 'Recovery link' });
  const url = ((await dialog.getByTestId('recovery-link').textContent()) ?? '').trim();
  await dialog.getByText('It works once').waitFor();
  assert.match(url, /\/reset-password\?token=/);
  await dialog
    .getByRole('button', { name: 'Close' })
    .click()
    .catch(() => page.keyboard.press('Escape'));

  const guest = await stack.newContext();
  const tab = guest.pages()[0] ?? (await guest.newPage());
  await tab.goto(url);
  await tab.getByLabel('New password', { exact: true }).fill('a fresh start for linus');
  await tab.getByLabel('Confirm new password').fill('a fresh start for linus');
  await tab.getByRole('button', { name: 'Set password' }).click();
  await tab.getByText('Your password was changed').waitFor();
  assert.ok(await gh.signIn('linus', 'a fresh start for linus'));
});

test('a recovery link is mailed to the user', async () => {
  const { page, mail } = stack;
  const before = mail.to('linus@example.com').length;
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Email recovery link' }).click();
  await expectNotification(page, 'Recovery link sent');
  // Other notices (the password change of the previous test) may arrive meanwhile: wait for the link itself.
  const hasLink = () =>
    mail
      .to('linus@example.com')
      .slice(before)
      .some((message) => linksIn(message).some((url) => url.includes('/reset-password?token=')));
  for (let waited = 0; !hasLink() && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  assert.ok(hasLink(), 'a recovery link arrived by mail');
});
