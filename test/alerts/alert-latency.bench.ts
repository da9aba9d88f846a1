// Benchmark (not a test): alert latency through the real `ingest` path, and through Kafka and a
// webhook. Run: node test/alerts/alert-latency.bench.ts [subscribers=20000]
//
// - emit latency: emitted_at − window_closed_at from the alerts table (alertLatency);
// - Kafka: consumer receipt − window_closed_at, from the real test broker (ensureBroker);
// - webhook: request received by a local HTTP server − window_closed_at.
// The receivers run in a child process (support/latency-probe.ts), as they would in production.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { runIngest } from '../../pipelines/run-ingest.ts';
import { parseAreas } from '../../src/alerts/areas/parse-areas.ts';
import { alertLatency } from '../../src/alerts/duckdb/alert-latency.ts';
import { createAlerting } from '../../src/alerts/plugin/create-alerting.ts';
import { CellTable } from '../../src/locate/cell-table.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { Pseudonymiser } from '../../src/privacy/pseudonymiser.ts';
import { Simulation } from '../../src/sim/index.ts';
import { ensureBroker, uniqueTopic } from '../kafka/broker.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const subscribers = Number(process.argv[2] ?? 20_000);
const sim = new Simulation({ seed: 5, subscribers, days: 1 });
const disc = (lat: number, lon: number, r: number) => {
  const ring = Array.from({ length: 32 }, (_, i) => [lon + (r * Math.sin((i * Math.PI) / 16)) / (111_320 * Math.cos((lat * Math.PI) / 180)), lat + (r * Math.cos((i * Math.PI) / 16)) / 111_320]);
  return [[...ring, ring[0]!]];
};
const areas = parseAreas({
  type: 'FeatureCollection',
  features: [
    ...sim.scenarios.map((s) => ({ type: 'Feature', properties: { id: s.id, capacity: s.expectedPeople }, geometry: { type: 'Polygon', coordinates: disc(s.center.lat, s.center.lon, 1_000) } })),
    ...sim.city.zones.map((z) => ({ type: 'Feature', properties: { id: `zone-${z.id}`, name: z.name, capacity: 1_000_000 }, geometry: z.polygon })),
  ],
});

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = (s.length - 1) * p;
  return s[Math.floor(i)]! + (s[Math.ceil(i)]! - s[Math.floor(i)]!) * (i - Math.floor(i));
};
const report = (what: string, xs: number[]) =>
  console.log(`${what.padEnd(34)} n=${String(xs.length).padStart(4)}  p50 ${percentile(xs, 0.5).toFixed(1)} ms  p99 ${percentile(xs, 0.99).toFixed(1)} ms  max ${Math.max(...xs).toFixed(1)} ms`);

const broker = await ensureBroker();
const topic = uniqueTopic('crowd-alerts-bench');
const kafka = broker.skipped ? null : new Kafka({ clientId: 'bench', brokers: broker.brokers, logLevel: logLevel.NOTHING });
if (kafka) {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();
}
const probe = spawn(process.execPath, [fileURLToPath(new URL('./support/latency-probe.ts', import.meta.url)), kafka ? broker.brokers.join(',') : '', topic], { stdio: ['ignore', 'pipe', 'inherit'] });
const receipts: { via: 'kafka' | 'webhook'; at: number; closed: string }[] = [];
const url = await new Promise<string>((resolve) => {
  createInterface({ input: probe.stdout }).on('line', (l) => {
    const o = JSON.parse(l);
    if (o.url) resolve(o.url);
    else receipts.push(o);
  });
});

for (const withAlerts of [false, true]) {
  const db = await openDatabase(':memory:');
  let n = 0;
  const plugin = withAlerts
    ? createAlerting({ areas, webhooks: { urls: [url] }, kafka: kafka ? { producer: kafka.producer(), topic } : undefined })
    : null;
  const t0 = performance.now();
  const summary = await runIngest({
    connection: db.connection,
    cells: CellTable.fromVersions(sim.city.cells, 9),
    pseudonymiser: new Pseudonymiser({ key: new Uint8Array(32).fill(3) }),
    now: () => Date.UTC(2026, 2, 4),
    sourceName: 'simulator',
    batches: (function* () {
      for (const lines of sim.chunks()) {
        yield { lines, firstLine: n + 1, bytesRead: 0 };
        n += lines.length;
      }
    })(),
    plugins: plugin ? [plugin] : [],
  });
  const secs = (performance.now() - t0) / 1000;
  console.log(`ingest ${withAlerts ? `with alerts (${areas.length} areas)` : 'without alerts'}: ${summary.stats.records} records in ${secs.toFixed(1)} s (incl. simulation)`);
  if (withAlerts) {
    const l = await alertLatency(db.connection);
    console.log(`emit latency (alerts table)         n=${String(l.count).padStart(4)}  p50 ${l.p50Ms?.toFixed(1)} ms  p99 ${l.p99Ms?.toFixed(1)} ms  max ${l.maxMs?.toFixed(1)} ms`);
    const deadline = Date.now() + 30_000;
    while (receipts.length < l.count * (kafka ? 2 : 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const via of ['kafka', 'webhook'] as const) {
      report(`${via} (closed → received)`, receipts.filter((r) => r.via === via).map((r) => r.at - Date.parse(r.closed)));
    }
  }
  db.close();
}
probe.kill();
