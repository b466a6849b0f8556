/**
 * A progress bar with rate and ETA on stderr, drawn only when stderr is a terminal (so pipes and logs stay clean).
 * `done`/`total` are in any unit (bytes read for an import, users written for an export); the rate shows items.
 */
export type Progress = { update(done: number, items: number): void; finish(): void };

const noProgress: Progress = { update: () => {}, finish: () => {} };

export function progressBar(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || total <= 0) return noProgress;
  const started = Date.now();
  let last = 0;
  const draw = (done: number, items: number) => {
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    const ratio = Math.min(done / total, 1);
    const width = 30;
    const filled = Math.round(ratio * width);
    const eta = ratio > 0 ? (seconds / ratio) * (1 - ratio) : 0;
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    stream.write(
      `\r${label} [${bar}] ${(ratio * 100).toFixed(0).padStart(3)}%  ${items} rows  ${Math.round(items / seconds)}/s  ETA ${formatSeconds(eta)}  `,
    );
  };
  return {
    update(done, items) {
      // At most ten redraws a second.
      if (Date.now() - last < 100) return;
      last = Date.now();
      draw(done, items);
    },
    finish() {
      stream.write('\n');
    },
  };
}

function formatSeconds(s: number): string {
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}
