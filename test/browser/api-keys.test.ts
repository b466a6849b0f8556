// API keys from the browser: the secret is shown once and works as a Bearer credential until revoked.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { adminCredentials } from '../harness.ts';
import { type BrowserStack, startBrowserStack } from './harness.ts';
import { openAccountMenu, signIn } from './pages.ts';

let stack: BrowserStack;
before(async () => {
  stack = await startBrowserStack();
  await signIn(stack.page, adminCredentials.username, adminCredentials.password);
  await stack.page.waitForURL('**/admin/users');
});
after(async () => {
  await stack?.close();
});

test('a personal key is created with one permission, shown once, works, and stops working when revoked', async () => {
  const { page, gh } = stack;
  await page.goto('/account/api-keys');
  await page.getByText('No API keys').waitFor();
  await page.getByRole('button', { name: 'New API key' }).click();
  const dialog = page.getByRole('dialog', { name: 'New API key' });
  await dialog.getByLabel('Name').fill('Nightly export');
  await dialog.getByLabel('users:read').check();
  await dialog.getByRole('button', { name: 'Create key' }).click();
  const secret = ((await dialog.getByTestId('api-key-secret').textContent()) ?? '').trim();
  assert.match(secret, /^gh_/);
  await stack.screenshot('account-api-key-created');
  await dialog.getByRole('button', { name: 'Done' }).click();

  const row = page.getByRole('table', { name: 'API keys' }).locator('tbody tr', { hasText: 'Nightly export' });
  await row.waitFor();
  assert.doesNotMatch((await page.content()).toString(), new RegExp(secret), 'the secret is not shown again');
  assert.equal((await gh.request('GET', '/api/admin/users', { token: secret })).status, 200);
  assert.equal((await gh.request('GET', '/api/admin/settings', { token: secret })).status, 403);

  await row.getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('dialog', { name: 'Revoke Nightly export?' }).getByRole('button', { name: 'Revoke' }).click();
  await page.getByText('No API keys').waitFor();
  assert.equal((await gh.request('GET', '/api/admin/users', { token: secret })).status, 401);
});

test('a system key is created from the console and listed without its secret', async () => {
  const { page } = stack;
  await openAccountMenu(page);
  await page.getByRole('menuitem', { name: 'Admin console' }).click();
  await page.getByRole('navigation').getByRole('link', { name: 'API keys' }).click();
  await page.getByRole('button', { name: 'New system key' }).click();
  const dialog = page.getByRole('dialog', { name: 'New API key' });
  await dialog.getByLabel('Name').fill('SCIM from HR');
  await dialog.getByLabel('users:write').check();
  await dialog.getByRole('button', { name: 'Create key' }).click();
  await dialog.getByTestId('api-key-secret').waitFor();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('table', { name: 'API keys' }).locator('tbody tr', { hasText: 'SCIM from HR' }).waitFor();
  await stack.screenshot('api-keys');
});
