// The admin's user workflow in a real browser, signed in with TOTP: create (a bad phone refused next to its field), find by typing,
// disable, reset the password, bulk-delete, and change a setting. Every step goes through the real API.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { adminCredentials } from '../harness.ts';
import { type BrowserStack, startBrowserStack } from './harness.ts';
import { enrolTotp, expectNotification, signInWithTotp } from './pages.ts';

let stack: BrowserStack;
before(async () => {
  stack = await startBrowserStack();
  // Neighbours for the search and the bulk deletion to tell apart.
  const neighbours: Array<[string, string]> = [
    ['alan.turing', 'Alan Turing'],
    ['ada.lovelace', 'Ada Lovelace'],
    ['temp.one', 'Temporary One'],
    ['temp.two', 'Temporary Two'],
  ];
  for (const [username, displayName] of neighbours) {
    await stack.gh.createUser({ username, displayName, password: 'correct horse battery staple' });
  }
  // The scenario of issue 6 starts with a TOTP sign-in: the admin has an authenticator app.
  const secret = await enrolTotp(stack.gh, stack.gh.adminToken, adminCredentials.password);
  await signInWithTotp(stack.page, stack.gh, adminCredentials.username, adminCredentials.password, secret);
  await stack.page.waitForURL('**/admin/users');
});
after(async () => {
  await stack?.close();
});

test('creating a user through the form shows a refused phone next to the phone field', async () => {
  const { page } = stack;
  await page.getByRole('link', { name: 'Create user' }).click();
  await page.getByLabel('Username').fill('grace.hopper');
  await page.getByLabel('Display name').fill('Grace Hopper');
  await page.getByLabel('Email').fill('grace@example.com');
  await page.getByLabel('Phone').fill('12345');
  await page.getByLabel('Department').fill('Navy');
  await page.getByLabel('Password', { exact: true }).fill('cobol-is-older-than-you');
  await page.getByLabel('Confirm password').fill('cobol-is-older-than-you');
  await page.getByRole('button', { name: 'Create user' }).click();

  const phone = page.getByLabel('Phone');
  await page.locator('input[aria-invalid="true"]').first().waitFor();
  assert.equal(await phone.getAttribute('aria-invalid'), 'true');
  const describedBy = (await phone.getAttribute('aria-describedby')) ?? '';
  const message = await page
    .locator(`[id="${describedBy.split(' ').find((id) => id.endsWith('-error'))}"]`)
    .textContent();
  assert.match(message ?? '', /valid phone number/i);
  assert.equal(await page.getByLabel('Email').getAttribute('aria-invalid'), null, 'only the phone is blamed');
  await stack.screenshot('user-create-refused-phone');

  await phone.fill('+41 44 668 18 00');
  await page.getByRole('button', { name: 'Create user' }).click();
  await page.waitForURL(/\/admin\/users\/[^/]+$/);
  await page.getByRole('heading', { name: 'Grace Hopper' }).waitFor();
  await page.getByText('+41446681800').waitFor();
});

test('typing part of a name finds the user', async () => {
  const { page } = stack;
  await page.getByRole('navigation').getByRole('link', { name: 'Users' }).click();
  const rows = page.getByRole('table', { name: 'Users' }).locator('tbody tr');
  await rows.nth(5).waitFor(); // five created plus the admin
  await page.getByLabel('Search').pressSequentially('hopp', { delay: 40 });
  await page.waitForFunction(() => document.querySelectorAll('table[aria-label="Users"] tbody tr').length === 1);
  await rows.first().getByRole('link', { name: 'Grace Hopper' }).waitFor();
  await stack.screenshot('users-search');
});

test('disabling the user from its page asks first, then shows it disabled', async () => {
  const { page } = stack;
  await page.getByRole('link', { name: 'Grace Hopper' }).click();
  await page.getByRole('button', { name: 'Disable' }).click();
  const dialog = page.getByRole('dialog', { name: 'Disable Grace Hopper?' });
  await dialog.getByRole('button', { name: 'Disable' }).click();
  await page.getByRole('button', { name: 'Enable' }).waitFor();
  await page.locator('.mantine-Badge-root', { hasText: 'disabled' }).first().waitFor();
  const found = await stack.gh.request('GET', '/api/admin/users?q=grace', { token: stack.gh.adminToken });
  assert.equal(found.body.items[0].status, 'disabled');
  await stack.screenshot('user-detail');
});

test('resetting the password shows the generated one once, and it signs in', async () => {
  const { page, gh } = stack;
  await page.getByRole('button', { name: 'Enable' }).click();
  await page.getByRole('button', { name: 'Disable' }).waitFor();
  await page.getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Reset password' }).click();
  const dialog = page.getByRole('dialog', { name: /Reset the password/ });
  await dialog.getByRole('button', { name: 'Reset password' }).click();
  const generated = (await dialog.getByTestId('generated-password').textContent()) ?? '';
  assert.ok(generated.length >= 12, 'a strong password was generated');
  await stack.screenshot('user-reset-password');
  await dialog.getByRole('button', { name: 'Close' }).click();
  const login = await gh.request('POST', '/api/auth/login', {
    body: { username: 'grace.hopper', password: generated },
  });
  assert.equal(login.status, 200);
});

test('editing in the drawer shows a refused email at its field, then saves the change', async () => {
  const { page, gh } = stack;
  await page.getByRole('button', { name: 'Edit' }).click();
  const drawer = page.getByRole('dialog', { name: 'Edit grace.hopper' });
  await drawer.getByLabel('Email').fill('not-an-email');
  await drawer.getByLabel('Department').fill('Computing');
  await drawer.getByRole('button', { name: 'Save' }).click();
  await drawer.locator('input[aria-invalid="true"]').first().waitFor();
  assert.equal(await drawer.getByLabel('Email').getAttribute('aria-invalid'), 'true');
  await drawer.getByLabel('Email').fill('grace.hopper@example.com');
  await drawer.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Computing').waitFor();
  const found = await gh.request('GET', '/api/admin/users?q=grace', { token: gh.adminToken });
  assert.equal(found.body.items[0].email, 'grace.hopper@example.com');
  assert.equal(found.body.items[0].department, 'Computing');
});

test('bulk deletion names the users in its confirmation and removes exactly them', async () => {
  const { page, gh } = stack;
  await page.getByRole('navigation').getByRole('link', { name: 'Users' }).click();
  await page.getByLabel('Search').fill('temp');
  await page.waitForFunction(() => document.querySelectorAll('table[aria-label="Users"] tbody tr').length === 2);
  await page.getByLabel('Select temp.one').check();
  await page.getByLabel('Select temp.two').check();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete 2 users?' });
  await dialog.getByText('Temporary One (temp.one)').waitFor();
  await dialog.getByText('cannot be undone').waitFor();
  await stack.screenshot('users-bulk-delete');
  await dialog.getByRole('button', { name: 'Delete 2' }).click();
  await expectNotification(page, 'Delete: 2 of 2 done');
  await page.getByText('No user matches').first().waitFor();
  const left = await gh.request('GET', '/api/admin/users?limit=200', { token: gh.adminToken });
  const names = left.body.items.map((user: { username: string }) => user.username).sort();
  assert.deepEqual(names, ['ada.lovelace', 'admin', 'alan.turing', 'grace.hopper']);
});

test('changing a setting saves only that setting', async () => {
  const { page, gh } = stack;
  await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
  const ttl = page.getByLabel('Invitations expire after');
  await ttl.fill('48');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expectNotification(page, 'Settings saved');
  const settings = await gh.request('GET', '/api/admin/settings', { token: gh.adminToken });
  assert.equal(settings.body.invitationTtlHours, 48);
  assert.equal(settings.body.recoveryTtlMinutes, 30);
  await stack.screenshot('settings');
});

test('the audit log shows who disabled the user, filtered by action, with a link to the user', async () => {
  const { page } = stack;
  await page.getByRole('navigation').getByRole('link', { name: 'Audit log' }).click();
  await page.getByLabel('Action').fill('user.disable');
  const rows = page.getByRole('table', { name: 'Audit events' }).locator('tbody tr');
  await page.waitForFunction(() =>
    [...document.querySelectorAll('table[aria-label="Audit events"] tbody tr')].every((row) =>
      row.textContent?.includes('user.disable'),
    ),
  );
  await rows.first().getByRole('link', { name: adminCredentials.username }).waitFor();
  await rows.first().getByText('success').waitFor();
  await stack.screenshot('audit-log');
  await rows.first().getByRole('link', { name: 'user' }).click();
  await page.getByRole('heading', { name: 'Grace Hopper' }).waitFor();
  await page.getByRole('tab', { name: 'Events' }).click();
  await page.getByRole('table', { name: 'Audit events' }).getByText('user.password.reset').waitFor();
});

test('at phone width the users list keeps search in view and folds the filters', async () => {
  const { page } = stack;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/admin/users');
  await page.getByRole('link', { name: 'Grace Hopper' }).waitFor();
  assert.equal(await page.getByLabel('Status').first().isVisible(), false);
  await page.getByRole('button', { name: 'Filters and sort' }).click();
  await page.getByLabel('Status').first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
  await stack.screenshot('users-phone');
  await page.setViewportSize({ width: 1280, height: 800 });
});
