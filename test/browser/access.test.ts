// Groups, roles and organizations from the console, and what a user with a narrow role is (not) offered.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { adminCredentials } from '../harness.ts';
import { type BrowserStack, startBrowserStack } from './harness.ts';
import { expectNotification, signIn } from './pages.ts';

let stack: BrowserStack;
let helenId = '';
before(async () => {
  stack = await startBrowserStack();
  helenId = await stack.gh.createUser({
    username: 'helen',
    displayName: 'Helen Desk',
    password: 'first-line support 24/7',
  });
  await stack.gh.createUser({ username: 'victor', displayName: 'Victor Visitor', password: 'just passing through 1' });
  await signIn(stack.page, adminCredentials.username, adminCredentials.password);
  await stack.page.waitForURL('**/admin/users');
});
after(async () => {
  await stack?.close();
});

test('a role is created with a permission checklist', async () => {
  const { page } = stack;
  await page.getByRole('navigation').getByRole('link', { name: 'Roles' }).click();
  await page.getByRole('button', { name: 'New role' }).click();
  await page.getByLabel('Name').first().fill('Helpdesk');
  await page.getByLabel('Description').first().fill('Reads and edits users, deletes nobody');
  await page.getByLabel('users:read').first().check();
  await page.getByLabel('users:write').first().check();
  await page.getByRole('button', { name: 'Create role' }).click();
  await expectNotification(page, 'Role saved');
  await page.getByRole('button', { name: /Helpdesk/ }).click();
  await stack.screenshot('roles');
});

test('groups form a tree and a subgroup gives its role to members', async () => {
  const { page } = stack;
  await page.getByRole('navigation').getByRole('link', { name: 'Groups' }).click();
  await page.getByRole('button', { name: 'New group' }).click();
  let dialog = page.getByRole('dialog', { name: 'New group' });
  await dialog.getByLabel('Name').fill('Staff');
  await dialog.getByRole('button', { name: 'Create group' }).click();
  await page.getByRole('treeitem').filter({ hasText: 'Staff' }).waitFor();

  await page.getByRole('button', { name: 'New group' }).click();
  dialog = page.getByRole('dialog', { name: 'New group' });
  await dialog.getByLabel('Name').fill('IT');
  await dialog.getByRole('combobox', { name: 'Parent group' }).click();
  await page.getByRole('option', { name: 'Staff' }).click();
  await dialog.getByRole('combobox', { name: 'Roles given to members' }).click();
  await page.getByRole('option', { name: 'Helpdesk' }).click();
  await dialog.getByLabel('Name').click(); // closes the roles dropdown
  await dialog.getByRole('button', { name: 'Create group' }).click();
  const it = page.getByRole('treeitem').filter({ hasText: 'IT' });
  await it.waitFor();
  assert.equal(await it.getAttribute('aria-level'), '2');
  await it.getByText('Helpdesk').waitFor();
  await stack.screenshot('groups');
});

test('an organization is created', async () => {
  const { page } = stack;
  await page.getByRole('navigation').getByRole('link', { name: 'Organizations' }).click();
  await page.getByRole('button', { name: 'New organization' }).click();
  const dialog = page.getByRole('dialog', { name: 'New organization' });
  await dialog.getByLabel('Name', { exact: true }).fill('Acme Rockets');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('table', { name: 'Organizations' }).getByText('acme-rockets').waitFor();
  await stack.screenshot('organizations');
});

test('joining a group shows each effective permission with the path that grants it', async () => {
  const { page } = stack;
  await page.goto(`/admin/users/${helenId}?tab=access`);
  await page.getByRole('combobox', { name: 'Add to group' }).click();
  await page.getByRole('option', { name: 'Staff/IT' }).click();
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  const table = page.getByRole('table', { name: 'Effective permissions' });
  const row = table.locator('tr', { hasText: 'users:write' });
  await row.getByText(/^Helpdesk through group (Staff\/)?IT$/).waitFor();
  assert.equal(await table.locator('tr', { hasText: 'users:delete' }).count(), 0);
  await stack.screenshot('user-access');

  await page.getByRole('tab', { name: 'Organizations' }).click();
  await page.getByRole('combobox', { name: 'Add to organization' }).click();
  await page.getByRole('option', { name: 'Acme Rockets' }).click();
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('table', { name: 'Organizations' }).getByText('Acme Rockets').waitFor();
});

test('access is copied from one user to another', async () => {
  const { page, gh } = stack;
  await page.goto('/admin/users');
  await page.getByRole('link', { name: 'Victor Visitor' }).click();
  await page.getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Copy access from…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Copy access to victor' });
  await dialog.getByRole('combobox', { name: 'Copy from' }).fill('hel');
  await page.getByRole('option', { name: 'Helen Desk (helen)' }).click();
  await dialog.getByRole('button', { name: 'Copy access' }).click();
  await expectNotification(page, 'Access copied');
  const victor = await gh.request('GET', '/api/admin/users?q=victor', { token: gh.adminToken });
  const groups = victor.body.items[0].groups.map((group: { name: string }) => group.name);
  assert.deepEqual(groups, ['IT']);
});

test('a helpdesk user is offered what its role allows and nothing more', async () => {
  const helpdesk = await stack.newContext();
  const page = helpdesk.pages()[0] ?? (await helpdesk.newPage());
  await signIn(page, 'helen', 'first-line support 24/7');
  await page.waitForURL('**/admin/users');
  const nav = page.getByRole('navigation', { name: 'Admin console navigation' });
  await nav.getByRole('link', { name: 'Users' }).waitFor();
  for (const hidden of ['Roles', 'Settings', 'Audit log', 'API keys', 'Invitations']) {
    assert.equal(await nav.getByRole('link', { name: hidden }).count(), 0, `${hidden} is not offered`);
  }
  await page.getByRole('link', { name: 'Create user' }).waitFor();
  await page.getByLabel('Select victor').check();
  await page.getByRole('button', { name: 'Disable', exact: true }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Delete', exact: true }).count(), 0, 'no bulk delete');
  await page.getByRole('link', { name: 'Victor Visitor' }).click();
  await page.getByRole('button', { name: 'Edit' }).waitFor();
  await page.getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Reset password' }).waitFor();
  assert.equal(await page.getByRole('menuitem', { name: 'Delete user' }).count(), 0, 'no delete action');
  await stack.screenshot('user-detail-helpdesk', page);
});
