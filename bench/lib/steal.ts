/**
 * CPU time the hypervisor gave to other guests ("steal", /proc/stat), as a share of the machine's CPU time over an
 * interval. These machines are shared: a run whose ratio moved was often a run during which the host took a fifth
 * of the cores, and the figures say so next to themselves instead of leaving it to a guess.
 */
import { readFileSync } from 'node:fs';

export type CpuTicks = { steal: number; total: number };

/** The machine-wide counters of the `cpu` line (user nice system idle iowait irq softirq steal …), in ticks. */
export function cpuTicks(): CpuTicks {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]?.trim().split(/\s+/).slice(1).map(Number);
    if (!fields || fields.length < 8) return { steal: Number.NaN, total: Number.NaN };
    // guest and guest_nice (fields 9 and 10) are already counted in user and nice.
    const total = fields.slice(0, 8).reduce((s, v) => s + v, 0);
    return { steal: fields[7] as number, total };
  } catch {
    return { steal: Number.NaN, total: Number.NaN };
  }
}

/** Percent of the CPU time between two readings that was stolen (NaN where /proc/stat is missing). */
export function stolenPercent(before: CpuTicks, after: CpuTicks): number {
  const total = after.total - before.total;
  return total > 0 ? (100 * (after.steal - before.steal)) / total : Number.NaN;
}

/** Runs `fn` and returns its result with the share of CPU time stolen meanwhile. */
export async function measuringSteal<T>(fn: () => Promise<T>): Promise<{ value: T; stolenPercent: number }> {
  const before = cpuTicks();
  const value = await fn();
  return { value, stolenPercent: stolenPercent(before, cpuTicks()) };
}
