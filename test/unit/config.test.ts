/** Configuration: one schema for every environment variable, loud about bad values. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, insecureDefaults, loadConfig } from '../../src/config.ts';

test('defaults: 127.0.0.1:8080, ./data, SQLite, console SMS', () => {
  const c = loadConfig({});
  assert.equal(c.port, 8080);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.dataDir, path.resolve('./data'));
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.smsUrl, 'console');
  assert.deepEqual(c.trustProxy, []);
  assert.equal(c.publicUrl, 'http://127.0.0.1:8080');
});

test('every bad variable is named in one error', () => {
  assert.throws(
    () => loadConfig({ PORT: '99999', GATEHOUSE_DATABASE_URL: 'mysql://x', GATEHOUSE_SMTP_URL: 'http://x' }),
    (e: unknown) =>
      e instanceof ConfigError &&
      /PORT/.test(e.message) &&
      /DATABASE_URL/.test(e.message) &&
      /SMTP_URL/.test(e.message),
  );
});

test('trusted proxies are a list; the public URL loses its trailing slash', () => {
  const c = loadConfig({
    GATEHOUSE_TRUST_PROXY: '10.0.0.1, 192.168.0.0/16',
    GATEHOUSE_PUBLIC_URL: 'https://id.example.com/',
  });
  assert.deepEqual(c.trustProxy, ['10.0.0.1', '192.168.0.0/16']);
  assert.equal(c.publicUrl, 'https://id.example.com');
});

test('insecure defaults are reported', () => {
  assert.ok(insecureDefaults(loadConfig({})).some((w) => w.includes('GATEHOUSE_PUBLIC_URL')));
  assert.ok(insecureDefaults(loadConfig({ HOST: '0.0.0.0' })).some((w) => w.includes('Secure')));
  // The development SMS provider logs the codes it would send: said at every start-up, gone with a webhook.
  assert.ok(insecureDefaults(loadConfig({})).some((w) => w.includes('SMS codes are written to the log')));
  assert.ok(
    !insecureDefaults(loadConfig({ GATEHOUSE_SMS_URL: 'https://sms.example/hook' })).some((w) => w.includes('SMS')),
  );
});
