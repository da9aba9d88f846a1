// The benchmark suite: `npm run bench -- [--size small|medium|large] [--only NAME[,NAME]]`.
// Builds deterministic inputs with the simulator (cached in out/bench/inputs), runs every measured
// thing in a child process (peak RSS per process), warm-up first, then repeats, and prints a Markdown
// table; results go to bench/results/latest.json and a dated copy. Benchmarks are not tests: nothing
// here asserts a timing. Run them one at a time on a quiet machine (this box has 2 cores).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { alertLatency } from './benchmarks/alert-latency.ts';
import { batchVsPostgres } from './benchmarks/batch-vs-postgres.ts';
import { BENCHMARK_NAMES, type Benchmark, type BenchmarkName, type BenchServices } from './benchmarks/benchmark.ts';
import { fileIngest } from './benchmarks/file-ingest.ts';
import { kafkaE2eBatched } from './benchmarks/kafka-e2e-batched.ts';
import { kafkaE2eJson } from './benchmarks/kafka-e2e-json.ts';
import { kafkaStreamsPeer } from './benchmarks/kafka-streams-peer.ts';
import { memoryScaling } from './benchmarks/memory-scaling.ts';
import { checkpointState } from './benchmarks/checkpoint-state.ts';
import { soak } from './benchmarks/soak.ts';
import { pipelineMessages } from './benchmarks/pipeline-messages.ts';
import { createContext } from './lib/context.ts';
import { benchKafka, type BenchKafka } from './lib/kafka.ts';
import type { BenchResult } from './lib/result.ts';
import { SIZES, type Size } from './lib/sizes.ts';
import { formatTable } from './lib/table.ts';
import { quietKafkajsTimerWarnings } from '../src/core/quiet-kafkajs-warnings.ts';

const BENCHMARKS: Record<BenchmarkName, Benchmark> = {
  file_ingest: fileIngest,
  kafka_e2e_json: kafkaE2eJson,
  kafka_e2e_batched: kafkaE2eBatched,
  pipeline_messages: pipelineMessages,
  kafka_streams_peer: kafkaStreamsPeer,
  alert_latency: alertLatency,
  memory_scaling: memoryScaling,
  checkpoint_state: checkpointState,
  batch_vs_postgres: batchVsPostgres,
  soak,
};

const HELP = `Usage: npm run bench -- [--size small|medium|large] [--only NAME[,NAME…]] [options]

Benchmarks (in order):
${BENCHMARK_NAMES.map((n) => `  ${n.padEnd(18)} ${BENCHMARKS[n].summary}`).join('\n')}

Options:
  --size S        small (default; a few minutes on 2 cores), medium, large (≥ 1M devices)
  --only NAMES    comma-separated benchmark names
  --repeat N      measured runs per benchmark (default 3)
  --warmup N      unmeasured runs first (default 1)
  --profile       run the measured children under node --cpu-prof (profiles in out/bench/profiles)
  --keep-broker   leave the benchmark Kafka broker running afterwards (faster reruns)

Soak (--only soak; not run unless named): twice the peak of a 10-million-subscriber city scaled to
this machine (2 × 150,000 records/s × cores / 16) through Kafka, README "Performance".
  --minutes N     minutes of producing (default 45: the RSS verdict needs the input's first
                  event-time hour, 21.7 min at x3, then three whole window cycles)
  --rate N        records/s instead of the scaled peak
  --subscribers N subscribers of the city slice (default 10 M × cores / 16)
  --speed X       event time runs X × the wall clock (default 3)
  --places N      each device's away records (30 %) come from N places of its own (default 3:
                  people keep to a few); 0: any of the 400 cells, uniformly
  --sample-seconds S  seconds between two samples of the stream's /metrics (default 2)
  -h, --help      this help

Environment: CITYPULSE_BENCH_BROKERS (use an existing Kafka instead of starting one on port
$CITYPULSE_BENCH_KAFKA_PORT, default 19392), CITYPULSE_BENCH_PGHOST/PGPORT/PGUSER/PGDATABASE
(default 127.0.0.1:5432, postgres, test).

Writes bench/results/latest.json and bench/results/<time>-<size>.json; scratch under out/bench/.
`;

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function main(): Promise<number> {
  quietKafkajsTimerWarnings(); // the runner publishes its topics with kafkajs
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: 'small' },
      only: { type: 'string' },
      repeat: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '1' },
      profile: { type: 'boolean', default: false },
      'keep-broker': { type: 'boolean', default: false },
      minutes: { type: 'string' },
      rate: { type: 'string' },
      subscribers: { type: 'string' },
      speed: { type: 'string' },
      places: { type: 'string' },
      'sample-seconds': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const size = values.size as Size;
  if (!SIZES.includes(size)) return usage(`--size must be one of ${SIZES.join(', ')}`);
  // The soak takes half an hour: only when named.
  const only = values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : BENCHMARK_NAMES.filter((n) => n !== 'soak');
  const unknown = only.filter((n) => !(BENCHMARK_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) return usage(`unknown benchmark ${unknown.join(', ')} (${BENCHMARK_NAMES.join(', ')})`);
  const repeat = Number(values.repeat);
  const warmup = Number(values.warmup);
  if (!Number.isInteger(repeat) || repeat < 1) return usage('--repeat must be a positive integer');
  if (!Number.isInteger(warmup) || warmup < 0) return usage('--warmup must be a non-negative integer');

  const root = join(ROOT, 'out', 'bench');
  const log = (m: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
  const ctx = createContext({ size, repeat, warmup, root, profile: values.profile, log });
  for (const d of Object.values(ctx.dirs)) mkdirSync(d, { recursive: true });

  const broker: { started: Promise<BenchKafka> | null } = { started: null };
  const soakOptions: NonNullable<BenchServices['soak']> = {};
  for (const [name, key, min] of [['minutes', 'minutes', 0.1], ['rate', 'rate', 1], ['subscribers', 'subscribers', 1], ['speed', 'speed', 0.01], ['places', 'places', 0], ['sample-seconds', 'sampleSeconds', 0.2]] as const) {
    if (values[name] === undefined) continue;
    const x = Number(values[name]);
    if (!(x >= min)) return usage(`--${name} must be a number ≥ ${min}, got ${values[name]}`);
    soakOptions[key] = x;
  }
  const services: BenchServices = { kafka: () => (broker.started ??= benchKafka(ctx, process.env)), soak: soakOptions };
  const started = new Date();
  const results: BenchResult[] = [];
  let failed = 0;
  try {
    for (const name of BENCHMARK_NAMES) {
      if (!only.includes(name)) continue;
      log(`${name} (${size}): ${BENCHMARKS[name].summary}`);
      const t0 = performance.now();
      try {
        results.push(...(await BENCHMARKS[name].run(ctx, services)));
      } catch (err) {
        failed++;
        log(`${name} FAILED: ${(err as Error).message}`);
      }
      log(`${name}: done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
  } finally {
    if (broker.started && !values['keep-broker']) await (await broker.started).stop().catch((err: Error) => log(`kafka: stop failed: ${err.message}`));
  }
  const finished = new Date();
  const table = formatTable(results);
  process.stdout.write(`\ncitypulse benchmarks — size ${size}, ${warmup} warm-up + ${repeat} runs each, ${cpus().length} cores, Node ${process.version}; ${((finished.getTime() - started.getTime()) / 60_000).toFixed(1)} min\n\n`);
  process.stdout.write(table);
  const report = {
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    size,
    repeat,
    warmup,
    started: started.toISOString(),
    finished: finished.toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: totalmem() / 2 ** 30, loadavgAtEnd: loadavg(), node: process.version, platform: process.platform },
    results,
    table,
  };
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const json = JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
  writeFileSync(join(dir, 'latest.json'), json);
  writeFileSync(join(dir, `${started.toISOString().replace(/[:.]/g, '-')}-${size}.json`), json);
  log(`results: bench/results/latest.json${failed ? ` (${failed} benchmark(s) failed)` : ''}`);
  return failed > 0 ? 1 : 0;
}

function usage(message: string): number {
  process.stderr.write(`bench: ${message}\n\n${HELP}`);
  return 2;
}

process.exitCode = await main();
