/** 5. Footprint: start-up time to a 200 from /readyz (fresh data dir, then a restart) and idle RSS after start. */
import { median, round } from '../lib/load.ts';
import { removeDir, spawnGatehouse } from '../lib/proc.ts';

export async function footprint(runs: number) {
  const fresh: number[] = [];
  const restart: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < runs; i++) {
    const a = await spawnGatehouse();
    fresh.push(a.startMs);
    await a.stop();
    const b = await spawnGatehouse({ GATEHOUSE_DATA_DIR: a.dataDir });
    restart.push(b.startMs);
    await new Promise((r) => setTimeout(r, 1500));
    rss.push(b.rssMb());
    await b.stop();
    removeDir(a.dataDir);
  }
  return {
    startFreshMs: round(median(fresh), 0),
    startRestartMs: round(median(restart), 0),
    idleRssMb: round(median(rss), 1),
    note: 'spawned as `npm start` runs it (`node dist/server/main.js`, the prebuilt bundle); a fresh dir includes the migrations and the first admin',
    targets: { startMs: 1000, idleRssMb: 120 },
  };
}
