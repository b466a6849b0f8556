/**
 * The state of the machine before a case, in three short readings: how fast memory the process has never touched
 * can be written (each fresh page is a page fault the hypervisor may have to back), how fast memory already touched
 * can, and how long a fixed loop of integer arithmetic takes. Steal time (steal.ts) did not show the slow host of
 * 2026-12-03 10:46–13:45 UTC (under 1% stolen), and these did: touched memory 6–8.5 GB/s and the loop 0.2–0.3 s,
 * against 17–28 GB/s and 0.10–0.18 s in the next session (from 13:49, perhaps another host), while fresh memory
 * read 1.2–2.1 GB/s in both (page faults are always slow here). In the slow hours the bare Fastify route answered
 * 12,600 req/s (44,700–59,200 after) and argon2id gave 62 hashes/s (132–165).
 * A reader comparing two runs compares these first.
 */
import { round } from './load.ts';

export type MachineCheck = {
  freshMemoryGBps: number | null;
  touchedMemoryGBps: number | null;
  cpuLoopMs: number | null;
};

const chunkBytes = 64 * 2 ** 20;
const chunks = 4;

/** GB/s writing `chunks` buffers of `chunkBytes`, each new (fresh) or the same one again (touched). */
function memoryGBps(fresh: boolean): number {
  // allocUnsafeSlow: its own allocation outside Node's pool; at 64 MiB malloc maps it anew and unmaps it when the
  // buffer is collected, so every fresh chunk's pages fault on first write.
  // Touched: one buffer, written once before the clock starts. Fresh: none kept, a new one each pass.
  const reused = fresh ? undefined : Buffer.allocUnsafeSlow(chunkBytes).fill(0);
  const start = performance.now();
  for (let i = 0; i < chunks; i++) (reused ?? Buffer.allocUnsafeSlow(chunkBytes)).fill(i + 1);
  const seconds = (performance.now() - start) / 1000;
  return (chunks * chunkBytes) / seconds / 1e9;
}

/** Milliseconds for a fixed loop of integer arithmetic (0.10–0.18 s here on a normal day, 0.2–0.3 s on a slow one). */
function cpuLoopMs(): number {
  const start = performance.now();
  let x = 0;
  for (let i = 0; i < 1e8; i++) x = (x + (i % 7)) | 0;
  const ms = performance.now() - start;
  // Used, so the loop cannot be dropped as dead code.
  return x === -1 ? Number.NaN : ms;
}

export function checkMachine(): MachineCheck {
  memoryGBps(true); // the first pass also maps the allocator's own structures; not counted
  return {
    freshMemoryGBps: round(memoryGBps(true), 2),
    touchedMemoryGBps: round(memoryGBps(false), 2),
    cpuLoopMs: round(cpuLoopMs(), 0),
  };
}
