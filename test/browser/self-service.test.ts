// Pages used before signing in: forgot and reset password from the mail, registration when it is on, and the
// email confirmation link.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { linksIn } from '../support/smtp.ts';
import { type BrowserStack, startBrowserStack } from './harness.ts';
import { signIn } from './pages.ts';

let stack: BrowserStack;
before(async () => {
  stack = await startBrowserStack();
  await stack.gh.createUser({ username: 'margaret', email: 'margaret@example.com', password: 'apollo guidance 1969' });
});
after(async () => {
  await stack?.close();
});

function linkTo(path: string, body: Parameters<typeof linksIn>[0]): string {
  const link = linksIn(body).find((url) => url.includes(path));
  assert.ok(link, `a ${path} link in "${body.subject}"`);
  return link;
}

test('a forgotten password is replaced through the link in the mail', async () => {
  const { page, mail, gh } = stack;
  await page.goto('/');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  // The sign-in page has a 'Username or email' field too: wait for the recovery form before filling it.
  await page.getByRole('button', { name: 'Send recovery link' }).waitFor();
  await page.getByLabel('Username or email').fill('margaret@example.com');
  await page.getByRole('button', { name: 'Send recovery link' }).click();
  await page.getByText('If an account matches').waitFor();
  await stack.screenshot('forgot-password');

  const [message] = await mail.waitFor('margaret@example.com');
  assert.ok(message);
  await page.goto(linkTo('/reset-password?token=', message));
  await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  assert.doesNotMatch(page.url(), /token=/, 'the token leaves the address bar at once');
  await page.getByLabel('New password', { exact: true }).fill('lunar module software');
  await page.getByLabel('Confirm new password').fill('lunar module software');
  await page.getByRole('button', { name: 'Set password' }).click();
  await page.getByText('Your password was changed').waitFor();
  assert.ok(await gh.signIn('margaret', 'lunar module software'));
});

test('a too common new password is refused with the reason, next to the field', async () => {
  const { page, mail } = stack;
  await page.goto('/forgot-password');
  await page.getByLabel('Username or email').fill('margaret');
  await page.getByRole('button', { name: 'Send recovery link' }).click();
  // The first recovery mail, the notice that the password changed, then this recovery mail.
  const messages = await mail.waitFor('margaret@example.com', 3);
  const latest = messages.at(-1);
  assert.ok(latest);
  await page.goto(linkTo('/reset-password?token=', latest));
  await page.getByLabel('New password', { exact: true }).fill('password123');
  await page.getByLabel('Confirm new password').fill('password123');
  await page.getByRole('button', { name: 'Set password' }).click();
  const field = page.getByLabel('New password', { exact: true });
  await page.getByText('too common').waitFor();
  const describedBy = (await field.getAttribute('aria-describedby')) ?? '';
  const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
  assert.match((await page.locator(`[id="${errorId}"]`).textContent()) ?? '', /too common/);
  await stack.screenshot('reset-password-refused');
});

test('registration is offered only while on, and works with a confirmation mail', async () => {
  const { page, mail, gh } = stack;
  // Off (the default): the sign-in page offers no sign-up, and the sign-up page says it is closed up front.
  const answered = page.waitForResponse(
    (r) => r.url().endsWith('/api/auth/register') && r.request().method() === 'GET',
  );
  await page.goto('/');
  assert.deepEqual(await (await answered).json(), { open: false });
  await page.getByRole('link', { name: 'Forgot your password?' }).waitFor();
  // The answer has arrived; give React a moment to render what it decided.
  await page.waitForTimeout(200);
  assert.equal(await page.getByRole('link', { name: 'Create an account' }).count(), 0);
  await page.goto('/register');
  await page.getByText('Sign-up is closed here').waitFor();
  assert.equal(await page.getByLabel('Username').count(), 0);

  const on = await gh.request('PATCH', '/api/admin/settings', {
    token: gh.adminToken,
    body: { allowRegistration: true },
  });
  assert.equal(on.status, 200);
  await page.goto('/');
  await page.getByRole('link', { name: 'Create an account' }).click();
  // getByLabel('Username') also matches the sign-in page's 'Username or email': wait for the sign-up form first.
  await page.getByLabel('Confirm password').waitFor();
  await page.getByLabel('Username').fill('mary');
  await page.getByLabel('Email').fill('mary@example.com');
  await page.getByLabel('Password', { exact: true }).fill('hidden figures at langley');
  await page.getByLabel('Confirm password').fill('hidden figures at langley');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByText('check your mail').waitFor();
  await stack.screenshot('register');

  const [message] = await mail.waitFor('mary@example.com');
  assert.ok(message);
  await page.goto(linkTo('/verify-email?token=', message));
  await page.getByText('Your email address is confirmed').waitFor();
  await signIn(page, 'mary', 'hidden figures at langley');
  await page.waitForURL('**/account');
  await page.getByText('mary@example.com (verified)').waitFor();
});
