/**
 * Preloaded into a Gatehouse process under test (NODE_OPTIONS=--import=…/gc-probe.mjs) by the load test: on
 * SIGUSR2 it runs a full garbage collection and prints one line `gc-probe {heapUsed, external, rss}` to stderr.
 * Memory read right after a full GC is what the process really holds; heapUsed read at a random moment also
 * counts garbage that V8 leaves in the old space until its next mark-compact (tens of MB under load), which is
 * what made an RSS trend over 30 s look like a leak. Plain JavaScript: it loads before tsx is registered.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  process.on('SIGUSR2', () => {
    gc();
    const { heapUsed, external, rss } = process.memoryUsage();
    process.stderr.write(`gc-probe ${JSON.stringify({ heapUsed, external, rss })}\n`);
  });
}
