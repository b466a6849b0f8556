// Inviting people from the console and accepting from the mail, in a second browser that never signed in.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { adminCredentials } from '../harness.ts';
import { linksIn } from '../support/smtp.ts';
import { type BrowserStack, startBrowserStack } from './harness.ts';
import { enrolTotp, expectNotification, signInWithTotp } from './pages.ts';

let stack: BrowserStack;
before(async () => {
  stack = await startBrowserStack();
  const secret = await enrolTotp(stack.gh, stack.gh.adminToken, adminCredentials.password);
  await signInWithTotp(stack.page, stack.gh, adminCredentials.username, adminCredentials.password, secret);
  await stack.page.waitForURL('**/admin/users');
});
after(async () => {
  await stack?.close();
});

test('two addresses are invited at once and both are listed as pending', async () => {
  const { page } = stack;
  await page.getByRole('navigation').getByRole('link', { name: 'Invitations' }).click();
  await page.getByText('No invitations yet').waitFor();
  await page.getByRole('button', { name: 'Invite people' }).click();
  const dialog = page.getByRole('dialog', { name: 'Invite people' });
  const emails = dialog.getByLabel('Email addresses');
  await emails.fill('katherine@example.com');
  await emails.press('Enter');
  await emails.fill('dorothy@example.com');
  await emails.press('Enter');
  await stack.screenshot('invitations-invite');
  await dialog.getByRole('button', { name: 'Send invitations' }).click();
  await expectNotification(page, '2 invitation(s) sent');
  const rows = page.getByRole('table', { name: 'Invitations' }).locator('tbody tr');
  await rows.nth(1).waitFor();
  assert.equal(await rows.filter({ hasText: 'pending' }).count(), 2);
});

test('one invitation is accepted from the link in its mail; the other stays pending', async () => {
  const { page, mail, gh } = stack;
  const [message] = await mail.waitFor('katherine@example.com');
  assert.ok(message);
  const link = linksIn(message).find((url) => url.includes('/invite?token='));
  assert.ok(link, 'the mail carries an invitation link');
  assert.ok(link.startsWith(stack.baseUrl), `the mail links to the console: ${link}`);

  const guest = await stack.newContext();
  const tab = guest.pages()[0] ?? (await guest.newPage());
  await tab.goto(link);
  await tab.getByText('Create the account for katherine@example.com').waitFor();
  assert.doesNotMatch(tab.url(), /token=/, 'the token leaves the address bar at once');
  await tab.getByLabel('Username').fill('katherine');
  await tab.getByLabel('Your name').fill('Katherine Johnson');
  await tab.getByLabel('Password', { exact: true }).fill('trajectories to the moon');
  await tab.getByLabel('Confirm password').fill('trajectories to the moon');
  await stack.screenshot('invitation-accept', tab);
  await tab.getByRole('button', { name: 'Create my account' }).click();
  await tab.getByText('Your account is ready').waitFor();

  const token = await gh.signIn('katherine', 'trajectories to the moon');
  assert.ok(token);
  await page.reload();
  const rows = page.getByRole('table', { name: 'Invitations' }).locator('tbody tr');
  await rows.filter({ hasText: 'accepted' }).first().waitFor();
  assert.equal(await rows.filter({ hasText: 'katherine@example.com' }).filter({ hasText: 'accepted' }).count(), 1);
  assert.equal(await rows.filter({ hasText: 'dorothy@example.com' }).filter({ hasText: 'pending' }).count(), 1);
  await stack.screenshot('invitations');
});

test('a used invitation link says so in words', async () => {
  const { mail } = stack;
  const [message] = mail.to('katherine@example.com');
  const link = message && linksIn(message).find((url) => url.includes('/invite?token='));
  assert.ok(link);
  const guest = await stack.newContext();
  const tab = guest.pages()[0] ?? (await guest.newPage());
  await tab.goto(link);
  await tab.getByText('not valid any more').waitFor();
});

test('the mail page lists the invitation messages as sent', async () => {
  const { page } = stack;
  await page.getByRole('navigation').getByRole('link', { name: 'Mail' }).click();
  const rows = page.getByRole('table', { name: 'Mail outbox' }).locator('tbody tr');
  await rows.filter({ hasText: 'dorothy@example.com' }).filter({ hasText: 'sent' }).waitFor();
  await page.locator('label', { hasText: /^Failed$/ }).click();
  await page.getByText('No messages').waitFor();
  await page.locator('label', { hasText: /^All$/ }).click();
  await rows.first().waitFor();
  await stack.screenshot('mail');
});
