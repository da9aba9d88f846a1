// Child-process entry of the benchmark runner: `node bench/child.ts TASK '<json args>'`. Runs one
// task, then reports its measurement plus this process's peak RSS and CPU time on stdout as one
// `@@bench {…}` line (see lib/run-child.ts). Tasks are imported lazily so a task's RSS only counts
// the modules it uses.
import { RESULT_PREFIX, type TaskReport } from './lib/run-child.ts';

type Task = (args: never) => Promise<TaskReport>;

const TASKS: Record<string, () => Promise<Task>> = {
  simulate: async () => (await import('./tasks/simulate.ts')).simulateTask as Task,
  'cli-ingest': async () => (await import('./tasks/cli-ingest.ts')).cliIngestTask as Task,
  'stream-e2e': async () => (await import('./tasks/stream-e2e.ts')).streamE2eTask as Task,
  'raw-consume': async () => (await import('./tasks/raw-consume.ts')).rawConsumeTask as Task,
  'alert-latency': async () => (await import('./tasks/alert-latency.ts')).alertLatencyTask as Task,
  'locate-events': async () => (await import('./tasks/locate-events.ts')).locateEventsTask as Task,
  'duckdb-batch': async () => (await import('./tasks/duckdb-batch.ts')).duckdbBatchTask as Task,
  'postgres-batch': async () => (await import('./tasks/postgres-batch.ts')).postgresBatchTask as Task,
  'pipeline-messages': async () => (await import('./tasks/pipeline-messages.ts')).pipelineMessagesTask as Task,
  'checkpoint-state': async () => (await import('./tasks/checkpoint-state.ts')).checkpointStateTask as Task,
  'java-peer': async () => (await import('./tasks/java-peer.ts')).javaPeerTask as Task,
};

// kafkajs schedules timers with negative delays on Node ≥ 23 (harmless); keep other warnings.
const builtin = process.listeners('warning');
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'TimeoutNegativeWarning') for (const l of builtin) l(w);
});

const [name, json] = process.argv.slice(2);
const load = name ? TASKS[name] : undefined;
if (!load) {
  process.stderr.write(`bench/child.ts: unknown task "${name}" (${Object.keys(TASKS).join(', ')})\n`);
  process.exit(2);
}
const task = await load();
const report = await task(JSON.parse(json ?? '{}') as never);
const ru = process.resourceUsage();
const line = RESULT_PREFIX + JSON.stringify({ ...report, maxRssKiB: ru.maxRSS, cpuSeconds: (ru.userCPUTime + ru.systemCPUTime) / 1e6 }) + '\n';
// Exit at once: clients (kafkajs timers, DuckDB) may keep the loop alive after the measured work.
process.stdout.write(line, () => process.exit(0));
