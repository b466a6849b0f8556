// Bulk import from a file in the browser: a dry run reports without changing anything, refused lines are named.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { adminCredentials } from '../harness.ts';
import { type BrowserStack, startBrowserStack } from './harness.ts';
import { signIn } from './pages.ts';

let stack: BrowserStack;
let csvFile = '';
before(async () => {
  stack = await startBrowserStack();
  csvFile = path.join(os.tmpdir(), `gatehouse-import-${process.pid}.csv`);
  await writeFile(
    csvFile,
    [
      'username,email,displayName,groups',
      'lin.ops,lin@example.com,Lin Ops,Operations',
      'sam.ops,sam@example.com,Sam Ops,Operations',
      'bad name!,bad@example.com,Broken Row,',
    ].join('\n'),
  );
  await signIn(stack.page, adminCredentials.username, adminCredentials.password);
  await stack.page.waitForURL('**/admin/users');
});
after(async () => {
  await stack?.close();
});

test('a CSV file is checked first, then imported; the refused line is named', async () => {
  const { page, gh } = stack;
  await page.getByRole('button', { name: 'Import / export' }).click();
  await page.getByRole('menuitem', { name: 'Import from a file…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import users' });
  await dialog.locator('input[type="file"]').setInputFiles(csvFile);
  await dialog.getByRole('button', { name: 'Check file' }).click();
  await dialog.getByText('Check only: nothing changed yet').waitFor();
  await dialog
    .getByTestId('import-refused')
    .getByText(/^Line 4:/)
    .waitFor();
  const before = await gh.request('GET', '/api/admin/users?q=ops', { token: gh.adminToken });
  assert.equal(before.body.total, 0, 'the dry run changed nothing');

  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await dialog.getByText('Imported').waitFor();
  await stack.screenshot('users-import');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('link', { name: 'Lin Ops' }).waitFor();
  const after = await gh.request('GET', '/api/admin/users?q=ops', { token: gh.adminToken });
  assert.equal(after.body.total, 2);
});

test('the export menu offers CSV and JSON downloads of the directory', async () => {
  const { page } = stack;
  await page.getByRole('button', { name: 'Import / export' }).click();
  const download = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: 'Export as CSV' }).click();
  const file = await download;
  const content = await (await file.createReadStream()).toArray();
  assert.match(Buffer.concat(content).toString('utf8'), /lin\.ops/);
});
