/** latest.md: one table row per figure, with its target; the JSON holds everything else. */
// biome-ignore lint/suspicious/noExplicitAny: report rows read loose JSON.
type Any = Record<string, any>;

const fmt = (v: unknown) => (v === undefined || v === null ? '–' : String(v));

/** The directory case's timed queries: the key in its results, and how the table names it. */
const queryFigures = [
  ['search', 'q= search'],
  ['firstPage', 'first page'],
  ['firstPageByName', 'first page by display name'],
  ['firstPageByLastSignIn', 'first page by last sign-in'],
  ['firstPageByLastChange', 'first page by last change'],
  ['byGroup', 'filter by group'],
  ['byType', 'filter by type (external: none among them)'],
  ['byRole', 'filter by a role one user holds (Admin)'],
  ['deepCursorPage', 'deep cursor page'],
] as const;

function rows(r: Any): string[][] {
  const out: string[][] = [];
  const s = r.session;
  if (s?.error) out.push(['Session check', 'error', s.error, '']);
  else if (s) {
    out.push([
      'Session check GET /api/me ÷ bare Fastify (req/s; ratio: median of paired runs after a warm-up)',
      `${fmt(Math.round(s.me.rps))} ÷ ${fmt(Math.round(s.baseline.rps))} = ${s.ratio}`,
      '≥ 0.6',
      s.ratio >= 0.6 ? 'met' : 'missed',
    ]);
    out.push([
      'Session check p99 at 50 connections (ms)',
      `${s.me.p99} (bare: ${s.baseline.p99})`,
      '< 10',
      s.me.p99 < 10 ? 'met' : 'missed',
    ]);
  }
  const l = r.login;
  if (l?.error) out.push(['Login', 'error', l.error, '']);
  else if (l) {
    out.push([
      `Logins/s ÷ raw ${l.hashParams} hashes/s (median of the runs' ratios, each run against the hash run before it)`,
      l.pairRatios
        ? `${l.ratio} (runs: ${l.pairRatios.join(', ')}; medians ${l.loginsPerSec} ÷ ${l.argon2HashesPerSec} = ${l.ratioOfMedians})`
        : `${l.loginsPerSec} ÷ ${l.argon2HashesPerSec} = ${l.ratio}`,
      '≥ 0.85',
      l.ratio >= 0.85 ? 'met' : 'missed',
    ]);
    out.push([
      'GET /api/me p99 while logins saturate hashing (ms)',
      fmt(l.meP99DuringLoginsMs),
      '< 20',
      l.meP99DuringLoginsMs < 20 ? 'met' : 'missed',
    ]);
  }
  const f = r.footprint;
  if (f?.error) out.push(['Footprint', 'error', f.error, '']);
  else if (f) {
    out.push([
      'Start-up to 200 /readyz, fresh / restart (ms)',
      `${f.startFreshMs} / ${f.startRestartMs}`,
      '< 1000',
      // Both are start-ups: the fresh one (migrations on a new data dir) is the first a newcomer sees.
      Math.max(f.startFreshMs, f.startRestartMs) < 1000 ? 'met' : 'missed',
    ]);
    out.push(['Idle RSS after start (MB)', fmt(f.idleRssMb), '< 120', f.idleRssMb < 120 ? 'met' : 'missed']);
  }
  for (const [key, label] of [
    ['directorySqlite', 'SQLite'],
    ['directoryPostgres', 'PostgreSQL'],
  ] as const) {
    const d = r[key];
    if (!d) continue;
    if (d.error) {
      out.push([`Directory (${label})`, 'error', d.error.slice(0, 300), '']);
      continue;
    }
    // `--import-only` runs hold the import alone: no export, no queries.
    const q = d.queries ?? {};
    const ok = (x: Any) => (x.p95 < 25 ? 'met' : 'missed');
    out.push([
      `${label}: import users/s (${d.import.users} users)`,
      fmt(d.import.usersPerSec),
      label === 'SQLite' ? '≥ 30,000' : '',
      label === 'SQLite' ? (d.import.usersPerSec >= 30000 ? 'met' : 'missed') : '',
    ]);
    if (d.import.peakRssMb !== undefined)
      out.push([
        `${label}: import peak RSS (MB, the importing process)`,
        fmt(d.import.peakRssMb),
        label === 'SQLite' ? '< 400' : '',
        label === 'SQLite' ? (d.import.peakRssMb < 400 ? 'met' : 'missed') : '',
      ]);
    if (d.export)
      out.push([
        `${label}: export users/s (slower of CSV and JSON)`,
        fmt(d.export.usersPerSec),
        '≥ 100,000',
        d.export.usersPerSec >= 100000 ? 'met' : 'missed',
      ]);
    // Each query figure that the results hold (older results lack the newer sorts), in this order.
    for (const [key, what] of queryFigures) {
      const x = q[key];
      if (x) out.push([`${label}: ${what} p50 / p95 (ms)`, `${x.p50} / ${x.p95}`, 'p95 < 25', ok(x)]);
    }
  }
  const p = r.peer;
  if (p?.error) out.push(['Better Auth side by side', 'error', p.error.slice(0, 300), '']);
  else if (p) {
    const c = p.configurations;
    out.push([
      `Hashes/s: ours (${c.gatehouse.hash}) / Better Auth (${c.betterAuth.hash})`,
      `${c.gatehouse.hashesPerSec} / ${c.betterAuth.hashesPerSec}`,
      'context',
      '',
    ]);
    out.push([
      `Sign-in/s ours ÷ Better Auth (${p.users} users)`,
      `${p.signInPerSec.ours} ÷ ${p.signInPerSec.theirs} = ${p.signInPerSec.ratio}`,
      '',
      '',
    ]);
    out.push([
      'Session check req/s ours ÷ Better Auth',
      `${p.sessionCheckPerSec.ours} ÷ ${p.sessionCheckPerSec.theirs} = ${p.sessionCheckPerSec.ratio}`,
      '',
      '',
    ]);
    out.push([
      'Admin list first page p95 ms, ours / Better Auth',
      `${p.listFirstPageP95Ms.ours} / ${p.listFirstPageP95Ms.theirs}`,
      '',
      '',
    ]);
    out.push(['Admin search p95 ms, ours / Better Auth', `${p.searchP95Ms.ours} / ${p.searchP95Ms.theirs}`, '', '']);
  }
  return out;
}

export function toMarkdown(report: Any): string {
  const head = `# Benchmark results (${report.mode}, ${report.date})\n\nMachine: ${report.machine.cpus} × ${report.machine.cpu}, ${report.machine.memGb} GB, Node ${report.machine.node}. Run took ${report.seconds} s. Every figure is a median of ${report.sizes.runs} runs (latency percentiles over ${report.sizes.samples} sequential requests).\n\n`;
  const table = [
    '| Figure | Value | Target | |',
    '|---|---|---|---|',
    ...rows(report.results).map((r) => `| ${r.join(' | ')} |`),
  ];
  return `${head}${table.join('\n')}\n${stealNote(report.results)}${machineNote(report.results)}`;
}

/**
 * The machine check taken before each case (bench/lib/machine.ts): fresh and touched memory GB/s and a fixed CPU
 * loop's ms. Two runs are comparable only when these are alike, whatever steal says (see lib/machine.ts).
 */
function machineNote(results: Any): string {
  const cases = Object.entries(results).filter(([, r]) => typeof r?.machine?.freshMemoryGBps === 'number');
  if (cases.length === 0) return '';
  const perCase = cases
    .map(
      ([name, r]) => `${name} ${r.machine.freshMemoryGBps} / ${r.machine.touchedMemoryGBps} / ${r.machine.cpuLoopMs}`,
    )
    .join(', ');
  return `\nMachine before each case, fresh memory GB/s / touched memory GB/s / CPU loop ms: ${perCase}.\n`;
}

/** How much CPU time the host took from this machine during each case (bench/lib/steal.ts): the noise, in figures. */
function stealNote(results: Any): string {
  const cases = Object.entries(results).filter(([, r]) => typeof r?.cpuStolenPercent === 'number');
  if (cases.length === 0) return '';
  const perCase = cases.map(([name, r]) => `${name} ${r.cpuStolenPercent}%`).join(', ');
  const pairs = (label: string, values: unknown[] | undefined) =>
    values?.length ? `; ${label} pairs: ${values.join(', ')}%` : '';
  return `\nCPU time stolen by the host (other guests) during each case: ${perCase}${pairs(
    'session',
    results.session?.pairs?.map((p: Any) => p.stolenPercent),
  )}${pairs('login', results.login?.pairStolenPercent)}.\n`;
}
