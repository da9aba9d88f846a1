/**
 * Throughput and memory of the simulator, in-process (no files):
 * `node test/sim/simulate.bench.ts [subscribers] [days]` (default 50,000 × 1). Not a test: prints
 * lines/s (wall and CPU) with and without the ground truth, and the heap along the way — which
 * should level off, not grow with simulated time. Asserts nothing.
 */
import { Simulation } from '../../src/sim/simulation.ts';
import type { TruthSink } from '../../src/sim/truth/truth-sink.ts';

const subscribers = Number(process.argv[2] ?? 50_000);
const days = Number(process.argv[3] ?? 1);
const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;

for (const withTruth of [false, true]) {
  let positions = 0;
  const truth: TruthSink = withTruth ? { position: () => void positions++, trip: () => {} } : {};
  const t0 = performance.now(), c0 = process.cpuUsage();
  const sim = new Simulation({ subscribers, days });
  const setup = performance.now() - t0;
  let lines = 0, bytes = 0, maxHeap = 0, chunks = 0;
  for (const chunk of sim.chunks(truth)) {
    lines += chunk.length;
    for (const l of chunk) bytes += l.length + 1;
    if (++chunks % 120 === 0) {
      const heap = process.memoryUsage().heapUsed;
      maxHeap = Math.max(maxHeap, heap);
      if (chunks % 360 === 0) console.log(`  ${((sim.simulatedUntil - sim.config.start) / 3_600_000).toFixed(0).padStart(3)} h simulated  heap ${mb(heap)}`);
    }
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  console.log(
    `${subscribers} subscribers × ${days} day(s)${withTruth ? ' + truth' : ''}: ${lines} lines, ${mb(bytes)}, setup ${setup.toFixed(0)} ms, ` +
      `${(wall / 1000).toFixed(1)} s wall (${Math.round(lines / (wall / 1000))} lines/s), ` +
      `${cpuS.toFixed(1)} s CPU (${Math.round(lines / cpuS)} lines/s), max heap ${mb(maxHeap)}, rss ${mb(process.memoryUsage().rss)}` +
      (withTruth ? `, ${positions} positions` : ''),
  );
}
