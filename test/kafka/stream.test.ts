import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, spawnCli } from '../support/cli.ts';
import { compareDatabases } from '../support/compare-db.ts';
import { publishFile } from '../../src/ingest/sources/kafka/publish-file.ts';
import { writeSyntheticScenario } from '../support/synthetic.ts';
import { ensureBroker, freePort, restartBroker, stopBroker, uniqueTopic } from './broker.ts';

const broker = await ensureBroker();
const dir = mkdtempSync(join(tmpdir(), 'citypulse-stream-'));
const env = { CITYPULSE_KEY: 'a3f1c2e4b5d6a7980112233445566778', CITYPULSE_BROKERS: broker.brokers.join(',') };
let scenario: ReturnType<typeof writeSyntheticScenario>;
const refDb = join(dir, 'ref.duckdb');
const windowFlags = ['--window', '15m', '--lateness', '5m'];

async function publish(topic: string, partitions: number, brokers = env.CITYPULSE_BROKERS) {
  const r = await cli(['publish', '--from', scenario.events, '--topic', topic, '--partitions', String(partitions), '--brokers', brokers], env);
  expect(r.code, r.stderr).toBe(0);
}

function streamArgs(topic: string, group: string, db: string, extra: string[] = []) {
  return ['stream', '--topics', topic, '--group', group, '--cells', scenario.cells, '--db', db, '--exit-when-idle', '4s', '--partition-idle', '10s', ...windowFlags, ...extra];
}

function waitExit(child: ReturnType<typeof spawnCli>): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.resume();
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
}

/** The scenario re-batched into JSON arrays of 25 records of different subscribers; malformed lines stay alone. */
function writeBatched(): string {
  const batched = join(dir, 'batched.ndjson');
  const out: string[] = [];
  let buf: unknown[] = [];
  for (const line of readFileSync(scenario.events, 'utf8').split('\n').filter(Boolean)) {
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      out.push(line);
      continue;
    }
    for (const r of Array.isArray(v) ? v : [v]) buf.push(r);
    if (buf.length >= 25) {
      out.push(JSON.stringify(buf));
      buf = [];
    }
  }
  if (buf.length > 0) out.push(JSON.stringify(buf));
  writeFileSync(batched, out.join('\n') + '\n');
  return batched;
}

/** Sends each line of `file` as one message keyed by its first record's imsi (the old publish), with a plain kafkajs producer. */
async function publishUnsplit(topic: string, file: string, partitions: number): Promise<void> {
  const kafka = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const keyOf = (line: string): string | null => {
    try {
      const v: unknown = JSON.parse(line);
      const imsi = ((Array.isArray(v) ? v[0] : v) as { imsi?: unknown } | null)?.imsi;
      return typeof imsi === 'string' ? imsi : null;
    } catch {
      return null;
    }
  };
  for (let i = 0; i < lines.length; i += 500) await producer.send({ topic, acks: -1, messages: lines.slice(i, i + 500).map((value) => ({ key: keyOf(value), value })) });
  await producer.disconnect();
}

describe.skipIf(broker.skipped)('citypulse stream against a real Kafka broker', () => {
  beforeAll(async () => {
    scenario = writeSyntheticScenario(join(dir, 'scenario'), {
      seed: 20261122,
      devices: 900,
      events: 40_000,
      start: Date.UTC(2026, 2, 2, 5, 0),
      spacingMs: 700,
      jitterMs: 45_000,
      badEvery: 400,
    });
    const r = await cli(['ingest', '--from', scenario.events, '--cells', scenario.cells, '--db', refDb, ...windowFlags], env);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  afterAll(() => {
    if (!process.env.CITYPULSE_KEEP_TEST_DIR) rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  });

  it.each([
    ['one thread', []],
    ['--workers 2 (partitions on worker threads)', ['--workers', '2']],
  ])('equals ingest on the same events (3 partitions): %s', async (_name, extra: string[]) => {
    const topic = uniqueTopic(`eq${extra.length}`);
    await publish(topic, 3);
    const db = join(dir, `eq${extra.length}.duckdb`);
    const r = await cli(streamArgs(topic, `g-${topic}`, db, extra), env);
    expect(r.code, r.stderr).toBe(0);
    const d = await compareDatabases(refDb, db);
    expect(d.presence).toEqual([]);
    expect(d.dead).toEqual([]);
    expect(d.counts[0]).toBeGreaterThan(1000);
    expect(d.counts[2]).toBeGreaterThan(50);
  }, 180_000);

  it.each([
    ['a snapshot with every checkpoint', []],
    ['snapshots once an hour: each restart replays from its run’s first checkpoint', ['--snapshot-every', '1h']],
    ['--workers 2, snapshots once an hour', ['--workers', '2', '--snapshot-every', '1h']],
    ['--workers 2, incremental checkpoints (the workers take the deltas)', ['--workers', '2']],
    ['--full-snapshots (no incremental checkpoints)', ['--full-snapshots']],
  ])('repeated kill -9 at random points, then a restart, gives the tables of an uninterrupted run: %s', async (_name, extra: string[]) => {
    const tag = extra.join('').replace(/[^A-Za-z0-9]/g, '') || 'default';
    const topic = uniqueTopic(`crash${tag}`);
    await publish(topic, 4);
    const db = join(dir, `crash${tag}.duckdb`);
    const group = `g-${topic}`;
    let seed = 99;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    let killed = 0;
    let restoredFromDeltas = 0;
    const logs: string[] = [];
    for (let i = 0; i < 4; i++) {
      const child = spawnCli(streamArgs(topic, group, db, ['--checkpoint-every', '200ms', ...extra]), env);
      const done = waitExit(child);
      const delay = 2500 + Math.floor(rnd() * 3000);
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      const r = await done;
      clearTimeout(timer);
      logs.push(r.stderr.split('\n').filter((l) => !l.includes('Connection error')).slice(-15).join('\n'));
      restoredFromDeltas += r.stderr.split('\n').filter((l) => / \d+ incremental\)/.test(l)).length;
      if (r.signal === 'SIGKILL') killed++;
      else expect(r.code, r.stderr).toBe(0);
    }
    expect(killed).toBeGreaterThanOrEqual(1);
    const last = await cli(streamArgs(topic, group, db, extra), env);
    restoredFromDeltas += last.stderr.split('\n').filter((l) => / \d+ incremental\)/.test(l)).length;
    // On a backlog, windows close (and device passes run) between nearly all checkpoints: whole
    // snapshots. The live test below is the one that restores chains of deltas.
    if (extra.includes('--full-snapshots') || extra.includes('--snapshot-every')) expect(restoredFromDeltas).toBe(0);
    expect(last.code, last.stderr).toBe(0);
    const d = await compareDatabases(refDb, db);
    expect(d.presence, `${logs.join('\n---\n').slice(-6000)}\n---\n${last.stderr.slice(-3000)}`).toEqual([]);
    expect(d.dead).toEqual([]);
  }, 300_000);

  it.each([
    ['one thread', []],
    ['--workers 2', ['--workers', '2']],
  ])('live input (a producer still sending): kill -9 holding a chain of deltas, then a restart, gives the tables of an uninterrupted run: %s', async (_name, extra: string[]) => {
    const topic = uniqueTopic(`live${extra.length}`);
    const db = join(dir, `live${extra.length}.duckdb`);
    const stateDir = `${db}.state`;
    const group = `g-${topic}`;
    // The scenario at about 1,000 lines a second (event time ×700): a 15-minute window closes about
    // every 1.3 s while checkpoints come every 200 ms, so most checkpoints write deltas.
    const lines = readFileSync(scenario.events, 'utf8').split('\n').filter(Boolean);
    async function* paced() {
      for (let i = 0; i < lines.length; i += 250) {
        yield lines.slice(i, i + 250).join('\n') + '\n';
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    const producer = publishFile({ brokers: broker.brokers, topic, partitions: 4, batchSize: 100, stream: Readable.from(paced()) });
    // Deltas of one partition on disk: a whole snapshot deletes them once it has committed, and a
    // delta's file is written before its own commit, so three of them mean at least two committed.
    const chained = () => {
      const per = new Map<string, number>();
      for (const f of existsSync(stateDir) ? readdirSync(stateDir) : []) {
        const m = /~(\d+)~\d+~delta~/.exec(f);
        if (m) per.set(m[1]!, (per.get(m[1]!) ?? 0) + 1);
      }
      return Math.max(0, ...per.values()) >= 3;
    };
    const child = spawnCli(streamArgs(topic, group, db, ['--checkpoint-every', '200ms', ...extra]), env);
    const done = waitExit(child);
    const started = Date.now();
    // Frozen (SIGSTOP) while the chain is checked, so no checkpoint runs between the look and the kill.
    for (;;) {
      await new Promise((r) => setTimeout(r, 50));
      expect(Date.now() - started, 'no chain of deltas within 40 s').toBeLessThan(40_000);
      if (!chained()) continue;
      child.kill('SIGSTOP');
      if (chained()) break;
      child.kill('SIGCONT');
    }
    child.kill('SIGKILL');
    const r = await done;
    expect(r.signal).toBe('SIGKILL');
    expect((await producer).records).toBeGreaterThan(39_000);
    // The killed member holds its partitions until its session times out; then the restart takes them.
    const last = await cli(streamArgs(topic, group, db, extra), env);
    expect(last.code, last.stderr).toBe(0);
    const resumed = last.stderr.split('\n').filter((l) => / \d+ incremental\)/.test(l));
    expect(resumed.length, last.stderr.slice(-3000)).toBeGreaterThanOrEqual(1);
    const d = await compareDatabases(refDb, db);
    expect(d.presence, `${r.stderr.slice(-3000)}\n---\n${last.stderr.slice(-3000)}`).toEqual([]);
    expect(d.dead).toEqual([]);
  }, 300_000);

  it('five kill -9 in a row during start-up and group join, then an --exit-when-idle run, equal the reference', async () => {
    const topic = uniqueTopic('startkill');
    await publish(topic, 4);
    const db = join(dir, 'startkill.duckdb');
    const group = `g-${topic}`;
    const logs: string[] = [];
    let killed = 0;
    // From "process starting" (no connection yet) through group join to the first checkpoints.
    for (const delay of [400, 1200, 2000, 2800, 3600]) {
      const child = spawnCli(streamArgs(topic, group, db, ['--checkpoint-every', '200ms']), env);
      const done = waitExit(child);
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      const r = await done;
      clearTimeout(timer);
      logs.push(`[kill at ${delay} ms] ` + r.stderr.split('\n').filter((l) => !l.includes('Connection error')).slice(-8).join('\n'));
      if (r.signal === 'SIGKILL') killed++;
      else expect(r.code, r.stderr).toBe(0);
    }
    expect(killed).toBe(5);
    const last = await cli(streamArgs(topic, group, db), env);
    expect(last.code, last.stderr).toBe(0);
    const d = await compareDatabases(refDb, db);
    expect(d.presence, `${logs.join('\n---\n').slice(-6000)}\n---\n${last.stderr.slice(-3000)}`).toEqual([]);
    expect(d.dead).toEqual([]);
  }, 300_000);

  it('two processes in one group split the partitions; merged, they equal one process', async () => {
    const topic = uniqueTopic('scale');
    await publish(topic, 4);
    const group = `g-${topic}`;
    const a = join(dir, 'scale-a.duckdb');
    const b = join(dir, 'scale-b.duckdb');
    const pa = waitExit(spawnCli(streamArgs(topic, group, a, ['--exit-when-idle', '8s']), env));
    await new Promise((r) => setTimeout(r, 1500));
    const pb = waitExit(spawnCli(streamArgs(topic, group, b, ['--exit-when-idle', '8s']), env));
    const [ra, rb] = await Promise.all([pa, pb]);
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    const merged = join(dir, 'scale-merged.duckdb');
    const m = await cli(['merge', '--into', merged, a, b], env);
    expect(m.code, m.stderr).toBe(0);
    const d = await compareDatabases(refDb, merged);
    expect(d.presence).toEqual([]);
    expect(d.dead).toEqual([]);
  }, 300_000);

  it('messages mixing many subscribers (JSON arrays) with --repartition: two processes, merged, equal ingest', async () => {
    // As a foreign producer would send them: each array one message, keyed by its first subscriber
    // (`citypulse publish` now splits such arrays, so it cannot make this feed any more).
    const topic = uniqueTopic('mixed');
    await publishUnsplit(topic, writeBatched(), 3);
    const group = `g-${topic}`;
    const a = join(dir, 'mixed-a.duckdb');
    const b = join(dir, 'mixed-b.duckdb');
    const pa = waitExit(spawnCli(streamArgs(topic, group, a, ['--repartition', '--exit-when-idle', '8s']), env));
    await new Promise((r) => setTimeout(r, 1000));
    const pb = waitExit(spawnCli(streamArgs(topic, group, b, ['--repartition', '--exit-when-idle', '8s']), env));
    const [ra, rb] = await Promise.all([pa, pb]);
    expect(ra.code, ra.stderr.slice(-2000)).toBe(0);
    expect(rb.code, rb.stderr.slice(-2000)).toBe(0);
    const merged = join(dir, 'mixed-merged.duckdb');
    const m = await cli(['merge', '--into', merged, a, b], env);
    expect(m.code, m.stderr).toBe(0);
    const d = await compareDatabases(refDb, merged);
    expect(d.presence).toEqual([]);
    expect(d.dead).toEqual([]);
  }, 300_000);

  it('messages mixing subscribers (JSON arrays), published and streamed with no flags, equal ingest', async () => {
    // Before: publish keyed a whole array by its first subscriber and stream counted each device once
    // per partition it landed in (1,420 of 3,217 rows off). publish now splits arrays per subscriber.
    const topic = uniqueTopic('mixed-noflag');
    const r0 = await cli(['publish', '--from', writeBatched(), '--topic', topic, '--partitions', '3'], env);
    expect(r0.code, r0.stderr).toBe(0);
    const db = join(dir, 'mixed-noflag.duckdb');
    const r = await cli(streamArgs(topic, `g-${topic}`, db), env);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const d = await compareDatabases(refDb, db);
    expect(d.presence).toEqual([]);
    expect(d.dead).toEqual([]);
    expect(d.counts[0]).toBeGreaterThan(1000);
  }, 180_000);

  it('a foreign producer mixing subscribers in unkeyed messages: stream refuses before storing anything of them, naming --repartition', async () => {
    const topic = uniqueTopic('mixed-foreign');
    const kafka = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const lines = readFileSync(writeBatched(), 'utf8').split('\n').filter(Boolean).slice(0, 60);
    await producer.send({ topic, messages: lines.map((value, i) => ({ value, partition: i % 3 })) });
    await producer.disconnect();
    const db = join(dir, 'mixed-foreign.duckdb');
    const r = await cli(streamArgs(topic, `g-${topic}`, db), env);
    // A CitypulseError of kind 'usage' (exit 2 where the CLI maps error kinds; non-zero in any case).
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/mixes subscribers across partitions.*--repartition/s);
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const inst = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
    const c = await inst.connect();
    // Nothing of a mixed message was stored (each partition's first message is mixed).
    const rows = (await c.runAndReadAll(`SELECT (SELECT count(*) FROM presence), (SELECT count(*) FROM presence_partials), (SELECT count(*) FROM stream_checkpoints WHERE next_offset > 0)`)).getRowsJS();
    c.closeSync();
    inst.closeSync();
    expect(rows).toEqual([[0n, 0n, 0n]]);
  }, 180_000);

  it.each([
    ['one thread', []],
    ['--workers 2', ['--workers', '2']],
  ])('poison messages go to the dead-letter topic with reason and source headers, and to dead_letters: %s', async (_name, extra: string[]) => {
    const topic = uniqueTopic('poison');
    const dlq = uniqueTopic('dlq');
    await publish(topic, 2);
    const db = join(dir, `poison${extra.length}.duckdb`);
    const r = await cli(streamArgs(topic, `g-${topic}`, db, ['--dead-letter-topic', dlq, ...extra]), env);
    expect(r.code, r.stderr).toBe(0);
    const kafka = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `reader-${dlq}` });
    const got: { value: string; headers: Record<string, string> }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: dlq, fromBeginning: true });
    const admin = kafka.admin();
    await admin.connect();
    const high = (await admin.fetchTopicOffsets(dlq)).reduce((a, o) => a + Number(o.high), 0);
    await admin.disconnect();
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
          got.push({ value: message.value!.toString(), headers });
          if (got.length >= high) resolve();
        },
      });
    });
    await consumer.disconnect();
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const inst = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
    const c = await inst.connect();
    const rows = (await c.runAndReadAll(`SELECT count(DISTINCT split_part(position, '[', 1)) FROM dead_letters`)).getRowsJS();
    c.closeSync();
    inst.closeSync();
    expect(got.length).toBe(Number(rows[0]![0]));
    expect(got.length).toBeGreaterThan(50);
    for (const m of got) {
      expect(m.headers['citypulse.topic']).toBe(topic);
      expect(m.headers['citypulse.reason']).toMatch(/^[a-z_,]+$/);
      expect(Number(m.headers['citypulse.offset'])).toBeGreaterThanOrEqual(0);
    }
    // original bytes, untouched
    expect(got.some((m) => m.value === '{"ts": 17')).toBe(true);
  }, 180_000);

  it('a broker restart mid-stream: the run completes with identical results', async () => {
    const port = await freePort();
    const controllerPort = await freePort();
    const opts = { port, controllerPort, dataDir: join(dir, 'private-broker') };
    const own = await ensureBroker(opts);
    const brokers = own.brokers.join(',');
    try {
      const topic = uniqueTopic('restart');
      await publish(topic, 3, brokers);
      const db = join(dir, 'restart.duckdb');
      const child = spawnCli([...streamArgs(topic, `g-${topic}`, db, ['--checkpoint-every', '300ms', '--exit-when-idle', '15s']), '--brokers', brokers], env);
      const done = waitExit(child);
      const guard = setTimeout(() => child.kill('SIGKILL'), 240_000);
      await new Promise((r) => setTimeout(r, 3500));
      const t0 = Date.now();
      await restartBroker(opts);
      console.log(`broker restarted in ${Date.now() - t0} ms`);
      const r = await done;
      clearTimeout(guard);
      expect(r.code, r.stderr.slice(-3000)).toBe(0);
      const d = await compareDatabases(refDb, db);
      expect(d.presence).toEqual([]);
      expect(d.dead).toEqual([]);
    } finally {
      await stopBroker({ ...opts, wipe: true });
    }
  }, 420_000);
});
