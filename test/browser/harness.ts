/**
 * Browser test harness: a real Gatehouse on SQLite listening on a free port, serving the built console, driven by
 * Debian's Chromium through playwright-core with a fresh profile. Screenshots go to docs/screenshots/.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../harness.ts';
import { TestSmtpServer } from '../support/smtp.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const screenshotDir = path.join(root, 'docs/screenshots');
export const chromiumPath = process.env.GATEHOUSE_CHROMIUM ?? '/usr/bin/chromium';

/** Flags measured to work on the project machines (shared/ci-services.md); headless comes from the launch option. */
const chromiumFlags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Builds console/dist when it is missing or older than its sources (the same check as `npm start`). */
export function ensureConsoleBuilt(): void {
  const result = spawnSync(process.execPath, [path.join(root, 'scripts/build-console-if-stale.mjs')], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) throw new Error('building the console failed');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export type BrowserStack = {
  gh: TestApp;
  baseUrl: string;
  /** Every mail the service sends arrives here, over real SMTP. */
  mail: TestSmtpServer;
  context: BrowserContext;
  page: Page;
  /** Saves a PNG of the page to docs/screenshots/<name>.png. */
  screenshot(name: string, target?: Page): Promise<void>;
  /** A second, separate browser profile (another person), closed with the stack. */
  newContext(): Promise<BrowserContext>;
  close(): Promise<void>;
};

export async function startBrowserStack(env: Record<string, string> = {}): Promise<BrowserStack> {
  ensureConsoleBuilt();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const mail = new TestSmtpServer();
  await mail.start();
  const gh = await startTestApp({
    dialect: 'sqlite',
    env: { GATEHOUSE_PUBLIC_URL: baseUrl, GATEHOUSE_SMTP_URL: mail.url, ...env },
  });
  await gh.app.listen({ port, host: '127.0.0.1' });

  const profiles: string[] = [];
  const contexts: BrowserContext[] = [];
  const newContext = async () => {
    const profile = await mkdtemp(path.join(os.tmpdir(), 'gh-chromium-'));
    profiles.push(profile);
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: chromiumFlags,
      viewport: { width: 1280, height: 800 },
      baseURL: baseUrl,
      locale: 'en-GB',
      timezoneId: 'UTC',
    });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    return context;
  };
  const context = await newContext();
  const page = context.pages()[0] ?? (await context.newPage());

  return {
    gh,
    baseUrl,
    mail,
    context,
    page,
    newContext,
    async screenshot(name, target = page) {
      // Toasts from earlier steps would cover the page; the picture is of the page itself.
      await target.screenshot({
        path: path.join(screenshotDir, `${name}.png`),
        animations: 'disabled',
        style: '.mantine-Notifications-root { display: none !important; }',
      });
    },
    async close() {
      for (const open of contexts) await open.close().catch(() => undefined);
      await gh.close();
      await mail.stop();
      for (const profile of profiles) await rm(profile, { recursive: true, force: true });
    },
  };
}
