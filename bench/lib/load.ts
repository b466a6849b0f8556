/** autocannon runs, and medians: every figure in the report is the median of several runs on a noisy machine. */
import autocannon from 'autocannon';
import { measuringSteal } from './steal.ts';

export type LoadResult = { rps: number; p50: number; p99: number; errors: number; non2xx: number; requests: number };

export type LoadOptions = {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections?: number;
  seconds: number;
  /** Different requests in turn (autocannon cycles through them). */
  requests?: { method?: 'GET' | 'POST'; path: string; body?: string; headers?: Record<string, string> }[];
};

export async function load(options: LoadOptions): Promise<LoadResult> {
  const r = await autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
    connections: options.connections ?? 50,
    duration: options.seconds,
    requests: options.requests,
  });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    requests: r.requests.total,
  };
}

export function median(values: number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** Median of each field over `runs` runs. */
export async function medianLoad(runs: number, options: LoadOptions): Promise<LoadResult> {
  const results: LoadResult[] = [];
  for (let i = 0; i < runs; i++) results.push(await load(options));
  return medianOf(results);
}

/**
 * A ratio against a baseline on a shared machine: both warmed up first (the JIT compiles a large service later
 * than a hello-world route), then runs in pairs, baseline and subject back to back, so a burst of load from
 * elsewhere hits one pair rather than all of one side. The ratio is the median of the pairs' ratios.
 */
export async function pairedLoad(
  runs: number,
  baseline: LoadOptions,
  subject: LoadOptions,
): Promise<{
  baseline: LoadResult;
  subject: LoadResult;
  ratio: number;
  pairs: { ratio: number | null; stolenPercent: number | null }[];
}> {
  const warmUp = Math.min(3, baseline.seconds);
  await load({ ...baseline, seconds: warmUp });
  await load({ ...subject, seconds: warmUp });
  const pairs: { baseline: LoadResult; subject: LoadResult; stolenPercent: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const { value, stolenPercent } = await measuringSteal(async () => ({
      baseline: await load(baseline),
      subject: await load(subject),
    }));
    pairs.push({ ...value, stolenPercent });
  }
  return {
    baseline: medianOf(pairs.map((p) => p.baseline)),
    subject: medianOf(pairs.map((p) => p.subject)),
    ratio: median(pairs.map((p) => p.subject.rps / p.baseline.rps)),
    pairs: pairs.map((p) => ({
      ratio: round(p.subject.rps / p.baseline.rps, 3),
      stolenPercent: round(p.stolenPercent, 1),
    })),
  };
}

function medianOf(results: LoadResult[]): LoadResult {
  const pick = (k: keyof LoadResult) => median(results.map((r) => r[k]));
  return {
    rps: pick('rps'),
    p50: pick('p50'),
    p99: pick('p99'),
    errors: results.reduce((s, r) => s + r.errors, 0),
    non2xx: results.reduce((s, r) => s + r.non2xx, 0),
    requests: results.reduce((s, r) => s + r.requests, 0),
  };
}

/** Sequential latencies (ms) of `n` calls of `fn`, for per-query p50/p95. */
export async function timeEach(n: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}

export const round = (v: number, digits = 2) => (Number.isFinite(v) ? Number(v.toFixed(digits)) : null);
