/**
 * Sizes and figures for the robustness suite. `npm test` runs CI sizes; `npm run test:robustness` sets
 * GATEHOUSE_ROBUSTNESS=full (bigger sizes) and records each figure into bench/results/robustness.json.
 */
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const full = process.env.GATEHOUSE_ROBUSTNESS === 'full';

/** A size: an explicit env override, else the full or the CI value. */
export function size(name: string, ci: number, fullSize: number): number {
  const v = Number(process.env[`GATEHOUSE_ROBUSTNESS_${name}`]);
  return Number.isFinite(v) && v > 0 ? v : full ? fullSize : ci;
}

const resultsFile = path.resolve(import.meta.dirname, '..', '..', 'bench', 'results', 'robustness.json');

/**
 * Merges one figure group into robustness.json (full runs only, so `npm test` leaves the tree clean). Test files
 * run in parallel processes, so the read-modify-write happens under a lock file; a lock older than 10 s is taken
 * to be left by a killed run.
 */
export async function recordFigures(name: string, figures: Record<string, unknown>): Promise<void> {
  process.stdout.write(`# robustness ${name}: ${JSON.stringify(figures)}\n`);
  if (!full) return;
  const lock = `${resultsFile}.lock`;
  for (const until = Date.now() + 10_000; ; ) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      if (Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  try {
    const current = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
    current[name] = { ...figures, date: new Date().toISOString() };
    writeFileSync(resultsFile, `${JSON.stringify(current, null, 2)}\n`);
  } finally {
    rmSync(lock, { force: true });
  }
}
