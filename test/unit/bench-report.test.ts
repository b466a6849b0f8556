/** bench/report.ts: the verdicts latest.md prints next to each figure, and the notes under the table. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toMarkdown } from '../../bench/report.ts';

function report(results: Record<string, unknown>) {
  return {
    mode: 'quick',
    date: '2026-12-03T11:40:00.000Z',
    machine: { cpus: 2, cpu: 'AMD EPYC', memGb: 24, node: 'v20.20.2' },
    sizes: { runs: 3, samples: 60 },
    seconds: 137,
    results,
  };
}

const startUpRow = (md: string) => md.split('\n').find((line) => line.startsWith('| Start-up')) ?? '';

test('start-up is met only when the fresh start and the restart both answer within 1 s', () => {
  const footprint = (startFreshMs: number, startRestartMs: number) =>
    startUpRow(toMarkdown(report({ footprint: { startFreshMs, startRestartMs, idleRssMb: 110 } })));
  assert.match(footprint(587, 483), /\| 587 \/ 483 \| < 1000 \| met \|$/);
  assert.match(footprint(1011, 828), /\| missed \|$/, 'a slow fresh start (migrations on a new data dir)');
  assert.match(footprint(700, 1000), /\| missed \|$/, 'a slow restart');
});

test('the machine check of each case is printed under the table, and nothing when no case has one', () => {
  const checked = toMarkdown(
    report({
      footprint: {
        startFreshMs: 600,
        startRestartMs: 500,
        idleRssMb: 110,
        machine: { freshMemoryGBps: 1.71, touchedMemoryGBps: 6.15, cpuLoopMs: 324 },
      },
    }),
  );
  assert.match(checked, /Machine before each case, .*: footprint 1\.71 \/ 6\.15 \/ 324\.$/m);
  const unchecked = toMarkdown(report({ footprint: { startFreshMs: 600, startRestartMs: 500, idleRssMb: 110 } }));
  assert.doesNotMatch(unchecked, /Machine before each case/);
});
