/** The CLI progress bar: drawn with rate and ETA on a terminal, silent otherwise. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressBar } from '../../src/cli/progress.ts';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream };
}

test('the progress bar shows percentage, rows, rate and ETA on a terminal', () => {
  const { writes, stream } = fakeStream(true);
  const bar = progressBar('importing', 1000, stream);
  bar.update(250, 5000);
  bar.finish();
  assert.match(writes[0] ?? '', /^\rimporting \[#{8}-{22}\]\s+25%\s+5000 rows\s+\d+\/s\s+ETA \d+s/);
  assert.equal(writes.at(-1), '\n');
});

test('the progress bar writes nothing when stderr is not a terminal', () => {
  const { writes, stream } = fakeStream(false);
  const bar = progressBar('exporting', 10, stream);
  bar.update(5, 5);
  bar.finish();
  assert.deepEqual(writes, []);
});
