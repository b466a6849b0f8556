/** The password policy (ASVS 6.2) as a pure function. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commonPasswordListSize, isCommonPassword } from '../../src/features/passwords/common-passwords.ts';
import { passwordProblem } from '../../src/features/passwords/password-policy.ts';

const defaults = { passwordMinLength: 8, passwordRequireMix: false };

test('at least 8 characters by default, counted in code points of the NFKC form (ASVS 6.2.1)', () => {
  assert.match(passwordProblem('Abc12!x', defaults) ?? '', /at least 8/);
  assert.equal(passwordProblem('ünïcødé!', defaults), undefined);
  assert.equal(passwordProblem('🔑🔑🔑🔑🔑🔑🔑🔑', defaults), undefined, 'eight emoji are eight characters');
});

test('64 and 128 characters are allowed; past 256 is refused (ASVS 6.2.9)', () => {
  assert.equal(passwordProblem('a1-'.repeat(22), defaults), undefined);
  assert.equal(passwordProblem('q'.repeat(128), defaults), undefined);
  assert.match(passwordProblem('q'.repeat(257), defaults) ?? '', /at most 256/);
});

test('no composition rule by default; the mix rule is opt-in (ASVS 6.2.5)', () => {
  assert.equal(passwordProblem('all lower case words', defaults), undefined);
  const mix = { passwordMinLength: 8, passwordRequireMix: true };
  assert.match(passwordProblem('all lower case words', mix) ?? '', /mix/);
  assert.equal(passwordProblem('words 4 and !', mix), undefined);
});

test('the 10,000+ most common passwords are refused, whatever their case (ASVS 6.2.4)', () => {
  assert.ok(commonPasswordListSize >= 10_000);
  for (const p of ['password', 'Password1', '12345678', 'qwertyuiop', 'iloveyou', 'sunshine']) {
    assert.equal(isCommonPassword(p), true, p);
    assert.match(passwordProblem(p, defaults) ?? '', /too common/, p);
  }
  assert.equal(passwordProblem('correct horse battery staple', defaults), undefined);
});

test('the password may not equal the username', () => {
  assert.match(passwordProblem('margaret.h', defaults, { username: 'Margaret.H' }) ?? '', /username/);
});
