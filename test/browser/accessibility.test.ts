// axe-core in Chromium on every console page (WCAG 2.2 AA, issue 24): zero serious or critical violations.
// axe is evaluated through the DevTools protocol (page.evaluate), not as an inline <script>: the console's CSP
// rightly refuses inline scripts, and the test must not weaken it (no bypassCSP).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { adminCredentials } from '../harness.ts';
import { type BrowserStack, startBrowserStack } from './harness.ts';
import { signIn } from './pages.ts';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

type Violation = {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
};

let stack: BrowserStack;
let userId: string;
before(async () => {
  stack = await startBrowserStack();
  const { gh } = stack;
  // Data for every page to show what it can: statuses (badges), memberships, an organization, audit events.
  userId = await gh.createUser({
    username: 'ada',
    displayName: 'Ada Lovelace',
    email: 'ada@example.com',
    password: 'a long enough password',
  });
  const disabled = await gh.createUser({ username: 'bob', displayName: 'Bob Disabled', password: 'another password!' });
  const token = gh.adminToken;
  assert.equal((await gh.request('POST', `/api/admin/users/${disabled}/disable`, { token })).status, 200);
  const group = await gh.request('POST', '/api/admin/groups', { token, body: { name: 'Engineering' } });
  assert.equal(group.status, 201);
  const member = await gh.request('POST', `/api/admin/groups/${group.body.id}/members`, { token, body: { userId } });
  assert.equal(member.status, 204);
  assert.equal((await gh.request('POST', '/api/admin/organizations', { token, body: { name: 'Acme' } })).status, 201);
});
after(async () => {
  await stack?.close();
});

/** Runs axe on the page as it is and answers the serious and critical violations, one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.waitForLoadState('networkidle');
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = (await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: unknown[] }> } }
    ).axe;
    // Every rule axe runs by default (WCAG 2.0–2.2 A/AA and best practices), plus the experimental check that an
    // accessible name contains the visible text (WCAG 2.5.3, "label in name").
    const result = await axe.run(document, { rules: { 'label-content-name-mismatch': { enabled: true } } });
    return result.violations;
  })) as Violation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join(' | ')}`,
    );
}

async function expectAccessible(page: Page, name: string): Promise<void> {
  const found = await seriousViolations(page);
  assert.deepEqual(found, [], `${name}: ${found.length} serious or critical violations`);
}

test('WCAG 2.2 AA (1.4.3 contrast): the sign-in page has no serious or critical axe violation', async () => {
  const { page } = stack;
  await page.goto('/');
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await expectAccessible(page, 'sign-in');
  await signIn(page, adminCredentials.username, 'not-the-password');
  await page.getByRole('alert').waitFor();
  await expectAccessible(page, 'sign-in with an error');
});

const consolePages: { name: string; path: () => string; ready: (page: Page) => Promise<void> }[] = [
  { name: 'users', path: () => '/admin/users', ready: (p) => p.getByRole('cell', { name: 'ada' }).first().waitFor() },
  {
    name: 'user detail',
    path: () => `/admin/users/${userId}`,
    ready: (p) => p.getByRole('heading', { name: 'Ada Lovelace' }).waitFor(),
  },
  { name: 'groups', path: () => '/admin/groups', ready: (p) => p.getByText('Engineering').first().waitFor() },
  { name: 'roles', path: () => '/admin/roles', ready: (p) => p.getByText('Admin').first().waitFor() },
  { name: 'organizations', path: () => '/admin/organizations', ready: (p) => p.getByText('Acme').first().waitFor() },
  {
    name: 'settings',
    path: () => '/admin/settings',
    ready: (p) => p.getByRole('heading', { name: 'Settings' }).waitFor(),
  },
  { name: 'audit', path: () => '/admin/events', ready: (p) => p.getByRole('table').first().waitFor() },
  {
    name: 'statistics',
    path: () => '/admin/stats',
    ready: (p) => p.getByRole('heading', { name: 'Statistics' }).waitFor(),
  },
];

test('WCAG 2.2 AA (1.4.3 contrast, 2.5.3 label in name): every console page has no serious or critical axe violation', async () => {
  const { page } = stack;
  await signIn(page, adminCredentials.username, adminCredentials.password);
  await page.waitForURL('**/admin/users');
  const failures: string[] = [];
  for (const { name, path, ready } of consolePages) {
    await page.goto(path());
    await ready(page);
    for (const line of await seriousViolations(page)) failures.push(`${name}: ${line}`);
  }
  assert.deepEqual(failures, []);
});

test('the account button’s accessible name contains its visible text (WCAG 2.5.3)', async () => {
  const { page } = stack;
  await page.goto('/admin/users');
  const button = page.getByRole('button', { name: /admin/i }).filter({ has: page.locator('.mantine-Avatar-root') });
  await button.waitFor();
  const visible = ((await button.innerText()) ?? '').replace(/\s+/g, ' ').trim();
  const name = (await button.getAttribute('aria-label')) ?? visible;
  assert.ok(visible.length > 0);
  assert.ok(name.toLowerCase().includes(visible.toLowerCase()), `"${name}" contains "${visible}"`);
});

test('issue 24: the API reference renders under its Content-Security-Policy, with no violation reported', async () => {
  const { page } = stack;
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  const answer = await page.goto('/api/docs');
  assert.match(String(answer?.headers()['content-security-policy']), /script-src 'self'/);
  await page.locator('.swagger-ui .info .title', { hasText: 'Gatehouse API' }).waitFor();
  await page.locator('.opblock').first().waitFor();
  assert.deepEqual(violations, []);
});
