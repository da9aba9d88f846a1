import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { smapsMemory } from '../lib/proc-smaps.ts';
import { SOAK_INPUT_PERIOD_MS, startSoakFeed, writeSoakCity } from '../lib/soak-feed.ts';
import { target } from '../lib/summarise.ts';
import type { BenchResult } from '../lib/result.ts';
import { skipped, type Benchmark } from './benchmark.ts';

/** Options of the soak (`npm run bench -- --only soak --minutes 30 [--rate N] [--subscribers N] [--speed X]`). */
export interface SoakOptions {
  /**
   * Minutes of producing at the rate. Default 45: the half hour asked for, and enough after the
   * warm-up (the input's first whole hour of event time, 21.7 minutes at ×3) for the RSS verdict to
   * rest on four whole window cycles.
   */
  minutes?: number;
  /** Records per second. Default {@link defaultSoakRate}. */
  rate?: number;
  /** Subscribers of the city slice. Default: 10 M scaled like the rate. */
  subscribers?: number;
  /**
   * Event time runs this many times faster than the wall clock. Default 3: a 15-minute window closes
   * every 5 minutes, so 30 minutes hold a crowd that opens and resolves an alert. Every window close
   * walks every device held (≈ 1.25 M here), so speed multiplies that work beyond a real city's.
   */
  speed?: number;
  /**
   * Places of its own each device's away records (30 %) come from. Default 3: people keep to a few
   * places. 0: any cell of the grid, uniformly (the input of sessions 1–7), so every device keeps
   * adding cells it has not been seen in that day, and the day's (device, cell) state grows until
   * midnight by design.
   */
  places?: number;
  /** Seconds between two samples of the stream's /metrics. Default 2: RSS peaks (checkpoints) last seconds. */
  sampleSeconds?: number;
}

/** Peak of a 10-million-subscriber city, records/s (issue 16). */
export const CITY_PEAK_PER_S = 150_000;
/** Cores of the deployment that serves that city (the reference the machine is scaled by). */
export const REFERENCE_CORES = 16;

/**
 * Twice the city's peak, scaled to this machine: 2 × 150,000/s × (cores here / 16 reference cores).
 * On 2 cores: 37,500 records/s, a 1.25 M-subscriber slice of the city.
 */
export function defaultSoakRate(cores = cpus().length): number {
  return Math.round((2 * CITY_PEAK_PER_S * cores) / REFERENCE_CORES);
}

const RECORDS_PER_MESSAGE = 200;
const BIN = new URL('../../bin/citypulse.js', import.meta.url).pathname;

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

/** Prometheus text → sum of a series over its label sets, or over those containing `labels` (undefined when absent). */
function metric(text: string, name: string, labels?: string): number | undefined {
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m && m[1] === name && (labels === undefined || (m[2] ?? '').includes(labels))) sum = (sum ?? 0) + Number(m[3]);
  }
  return sum;
}

/** `citypulse_duckdb_memory_bytes` by tag, largest first, in MiB: "HASH_TABLE 512, BASE_TABLE 80". */
function duckdbTags(text: string): string {
  const tags: [string, number][] = [];
  for (const m of text.matchAll(/^citypulse_duckdb_memory_bytes\{tag="([^"]+)"\} (\S+)$/gm)) tags.push([m[1]!, Number(m[2]) / 2 ** 20]);
  return tags.sort((a, b) => b[1] - a[1]).filter(([, v]) => v >= 1).map(([t, v]) => `${t} ${v.toFixed(0)}`).join(', ') || 'none';
}

interface Sample {
  atMin: number;
  lag: number;
  rssMiB: number;
  /** V8 heap in use (MiB): tells JavaScript growth from native (DuckDB, buffers) in the RSS. */
  heapMiB: number;
  /** V8 heap committed (MiB): used + free space the collector holds on to. */
  heapTotalMiB: number;
  /** Memory outside the V8 heap that JavaScript objects own (MiB): Buffers, ArrayBuffers. */
  externalMiB: number;
  /** DuckDB's buffer-managed memory (MiB), instance-wide. */
  duckdbMiB: number;
  /** The last checkpoint's state snapshots, serialised (MiB; 0 before the first). */
  snapshotRawMiB: number;
  /**
   * What none of the series above names (MiB): RSS − committed heap − external − DuckDB. Allocator
   * free lists (glibc's, DuckDB's jemalloc), V8 outside its heap, thread stacks, code.
   */
  unnamedMiB: number;
  /** RSS by kind of mapping (`/proc/<pid>/smaps`, MiB), every 10 s (NaN in between): glibc main arena, other glibc arenas, other anonymous. */
  brkMiB: number;
  arenasMiB: number;
  anonOtherMiB: number;
  devices: number;
  read: number;
  sent: number;
}

/**
 * The soak: a producer at twice the scaled peak through Kafka for `--minutes`, `citypulse stream
 * --http --areas` consuming; every 10 s the stream's /metrics gives lag, RSS and records read. At the
 * end the producer stops, the stream drains and exits (--exit-when-idle: every window closes), and
 * the totals are checked against the input: records read = sent, accepted + late + dead = read,
 * Σ presence.events = accepted. Alert latency: alert emitted − the wall time its window could first
 * close (event time of the window end + lateness, mapped back to when the producer sent it).
 */
export const soak: Benchmark = {
  name: 'soak',
  summary: 'twice the scaled peak through Kafka for --minutes (default 30): lag bound, RSS slope, totals, alert latency',
  async run(ctx, services) {
    const o = services.soak ?? {};
    const kafka = await services.kafka();
    if (kafka.skipped) return [skipped(ctx, 'soak', 'stream', `no Kafka: ${kafka.skipped}`)];
    const minutes = o.minutes ?? 45;
    const rate = o.rate ?? defaultSoakRate();
    const subscribers = o.subscribers ?? Math.round((10_000_000 * cpus().length) / REFERENCE_CORES);
    const speed = o.speed ?? 3;
    const places = o.places ?? 3;
    const sampleSeconds = o.sampleSeconds ?? 2;
    const windowMs = 15 * 60_000;
    const latenessMs = 5 * 60_000;
    const dir = join(ctx.dirs.tmp, `soak-${Date.now()}`);
    mkdirSync(dir, { recursive: true });
    const cells = join(dir, 'cells.csv');
    const areas = join(dir, 'areas.geojson');
    const db = join(dir, 'soak.duckdb');
    // Crowd windows: a quarter of the subscribers, 80 % of their records in the stadium; the records
    // of one window spread over devices: capacity at a third of the expected crowd → alerts open.
    const perWindow = (rate * windowMs) / speed / 1000;
    const fans = subscribers / 4;
    const crowd = fans * (1 - Math.exp(-(perWindow * 0.25 * 0.8) / fans));
    writeSoakCity(cells, areas, Math.max(20, Math.round(crowd / 3)));
    const topic = `soak-${Date.now().toString(36)}`;
    const eventStart = Date.UTC(2026, 5, 1, 6, 0);
    const why = o.rate === undefined ? `2 × ${CITY_PEAK_PER_S.toLocaleString('en-US')}/s × ${cpus().length}/${REFERENCE_CORES} cores` : '--rate';
    ctx.log(`soak: ${minutes} min at ${rate.toLocaleString('en-US')} records/s (${why}), ${subscribers.toLocaleString('en-US')} subscribers, event time ×${speed}; away records from ${places ? `${places} places per device` : 'any cell'}; topic ${topic}`);

    const feed = await startSoakFeed({ brokers: kafka.brokers, topic, partitions: 4, subscribers, rate, speed, eventStart, recordsPerMessage: RECORDS_PER_MESSAGE, places });
    const child = spawn(
      process.execPath,
      [...ctx.nodeFlags, BIN, 'stream', '--topics', topic, '--group', `g-${topic}`, '--cells', cells, '--db', db, '--areas', areas, '--http', '127.0.0.1:0', '--exit-when-idle', '20s', '--no-handoff', '--dead-letter-topic', '', '--log-format', 'json'],
      // glibc's malloc: two arenas instead of 8 per core (the stream's native memory is DuckDB's and
      // Buffers; more arenas only fragment), as README "Configuration" recommends for `stream`.
      { env: { MALLOC_ARENA_MAX: '2', ...process.env, CITYPULSE_KEY: ctx.key, CITYPULSE_BROKERS: kafka.brokers.join(','), CITYPULSE_KEY_DIR: join(dir, 'keys') }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-200_000)));
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const samples: Sample[] = [];
    const t0 = Date.now();
    let base: string | undefined;
    // The sample where DuckDB held the most, with its buffers by tag (what they were for).
    let duckdbPeak: { atMin: number; mib: number; tags: string } | undefined;
    try {
      for (let i = 0; i < 600 && !base; i++) {
        base = /serving (http:\/\/\S+\/) /.exec(stderr)?.[1];
        if (!base) await new Promise((r) => setTimeout(r, 100));
      }
      if (!base) throw new Error(`the stream printed no URL:\n${stderr.slice(-2000)}`);
      const scrape = async () => (await fetch(new URL('/metrics', base))).text();
      const sample = async () => {
        const text = await scrape().catch(() => '');
        if (!text) return;
        const mib = (name: string, labels?: string) => (metric(text, name, labels) ?? NaN) / 2 ** 20;
        const logged = samples.length % Math.max(1, Math.round(10 / sampleSeconds)) === 0;
        let maps: ReturnType<typeof smapsMemory> = null;
        if (logged && child.pid !== undefined) {
          try {
            maps = smapsMemory(readFileSync(`/proc/${child.pid}/smaps`, 'utf8'));
          } catch {
            // Not Linux, or the stream has just exited: the split is NaN for this sample.
          }
        }
        const rssMiB = mib('citypulse_process_resident_memory_bytes');
        const heapTotalMiB = mib('citypulse_nodejs_heap_size_total_bytes');
        const externalMiB = mib('citypulse_nodejs_external_memory_bytes');
        const duckdbMiB = (metric(text, 'citypulse_duckdb_memory_bytes') ?? 0) / 2 ** 20;
        samples.push({ atMin: (Date.now() - t0) / 60_000, lag: metric(text, 'citypulse_consumer_lag_messages') ?? NaN, rssMiB, heapMiB: mib('citypulse_nodejs_heap_size_used_bytes'), heapTotalMiB, externalMiB, duckdbMiB, snapshotRawMiB: (metric(text, 'citypulse_state_snapshot_bytes', 'form="raw"') ?? 0) / 2 ** 20, unnamedMiB: rssMiB - heapTotalMiB - externalMiB - duckdbMiB, brkMiB: maps ? maps.brk / 2 ** 20 : NaN, arenasMiB: maps ? maps.arenas / 2 ** 20 : NaN, anonOtherMiB: maps ? maps.anonOther / 2 ** 20 : NaN, devices: metric(text, 'citypulse_devices_held') ?? NaN, read: metric(text, 'citypulse_records_read_total') ?? 0, sent: feed.sent });
        const s = samples.at(-1)!;
        if (s.duckdbMiB > (duckdbPeak?.mib ?? 0)) duckdbPeak = { atMin: s.atMin, mib: s.duckdbMiB, tags: duckdbTags(text) };
        if (!logged) return;
        ctx.log(`soak ${s.atMin.toFixed(1)} min: sent ${s.sent.toLocaleString('en-US')}, read ${s.read.toLocaleString('en-US')}, lag ${s.lag} msgs, RSS ${s.rssMiB.toFixed(0)} MiB (heap ${s.heapMiB.toFixed(0)} of ${s.heapTotalMiB.toFixed(0)}, external ${s.externalMiB.toFixed(0)}, DuckDB ${s.duckdbMiB.toFixed(0)} MiB${s.duckdbMiB >= 100 ? ` [${duckdbTags(text)}]` : ''}, unnamed ${s.unnamedMiB.toFixed(0)}${maps ? `; smaps: brk ${s.brkMiB.toFixed(0)}, arenas ${s.arenasMiB.toFixed(0)}, other anonymous ${s.anonOtherMiB.toFixed(0)}` : ''}; last snapshot ${s.snapshotRawMiB.toFixed(0)} MiB serialised), ${s.devices} devices held`);
      };
      while (Date.now() - t0 < minutes * 60_000) {
        await new Promise((r) => setTimeout(r, sampleSeconds * 1000));
        if (feed.failure) throw new Error(`the soak producer failed: ${feed.failure.message}`);
        await sample();
      }
      const sent = await feed.stop();
      ctx.log(`soak: producer stopped after ${sent.toLocaleString('en-US')} records; waiting for the stream to drain and exit`);
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([exited, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 10 * 60_000)))]);
      clearTimeout(timer);
      if (code !== 0) throw new Error(`stream exit ${code}:\n${stderr.slice(-3000)}`);

      // Totals against the input.
      const num = (label: string) => Number((new RegExp(`${label}\\s+([\\d,]+)`).exec(stdout)?.[1] ?? 'NaN').replace(/,/g, ''));
      const read = num('records');
      const accepted = Number((/\(([\d,]+) accepted/.exec(stdout)?.[1] ?? 'NaN').replace(/,/g, ''));
      const dead = Number(/([\d,]+) dead letters/.exec(stdout)?.[1]?.replace(/,/g, '') ?? NaN);
      const late = Number(/([\d,]+) late\)/.exec(stdout)?.[1]?.replace(/,/g, '') ?? NaN);
      const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
      const conn = await instance.connect();
      let events: number;
      let alertRows: [number, number, number][];
      try {
        events = Number((await conn.runAndReadAll('SELECT coalesce(sum(events), 0)::BIGINT FROM presence WHERE res = (SELECT max(res) FROM presence)')).getRowsJS()[0]![0]);
        alertRows = (await conn.runAndReadAll(`SELECT epoch_ms(window_end), epoch_ms(emitted_at), epoch_ms(window_closed_at) FROM alerts ORDER BY emitted_at`)).getRowsJS().map((r) => r.map(Number) as [number, number, number]);
      } finally {
        conn.closeSync();
        instance.closeSync();
      }
      // Alerts emitted during the soak (not at the final close of every window), from when their
      // window could first close (its end + lateness reached the producer) to emission.
      const produceEnd = t0 + minutes * 60_000;
      const live = alertRows.filter(([, emitted]) => emitted <= produceEnd);
      const latencies = live.map(([end, emitted]) => emitted - feed.wallOf(end + latenessMs));
      // Warm-up: until the input has gone through one whole period (a quiet and a crowded half hour
      // of event time) and the window that ends it has closed — wall minute (60 + 5) / speed, 21.7 at
      // ×3 — and at least until the second window has closed. Before that the state grows by design:
      // devices join, each holds its open windows' events until the first closes, and the trajectory
      // layer meets its first crowd (stays at the stadium, trips there and back, the previous stay each
      // device keeps); after it the input only repeats, so a rising RSS would be a leak.
      const warmupMin = Math.max(2, (2 * (windowMs + latenessMs)) / speed / 60_000, (SOAK_INPUT_PERIOD_MS + latenessMs) / speed / 60_000);
      const steady = samples.filter((s) => s.atMin >= warmupMin);
      const rssSlope = slope(steady.map((s) => s.atMin), steady.map((s) => s.rssMiB));
      // RSS is a sawtooth with the window cycle (state grows while a window fills, drops when it
      // closes and the collector runs), so a straight line through a few cycles leans with the phase
      // it starts and ends at. A leak shows as rising peaks: the slope of each whole cycle's highest
      // RSS after warm-up (one window of event time per cycle), and each cycle's lowest (the floor
      // between checkpoints).
      const cycleMin = windowMs / speed / 60_000;
      const peaks: { atMin: number; rssMiB: number; floorMiB: number }[] = [];
      for (let c = warmupMin; c + cycleMin <= (samples.at(-1)?.atMin ?? 0) + 1e-9; c += cycleMin) {
        const inCycle = steady.filter((s) => s.atMin >= c && s.atMin < c + cycleMin);
        if (inCycle.length > 0) peaks.push({ atMin: c + cycleMin / 2, rssMiB: Math.max(...inCycle.map((s) => s.rssMiB)), floorMiB: Math.min(...inCycle.map((s) => s.rssMiB)) });
      }
      // Three whole cycles at least, or the slope says nothing.
      const enough = peaks.length >= 3;
      const rssPeakSlope = enough ? slope(peaks.map((p) => p.atMin), peaks.map((p) => p.rssMiB)) : NaN;
      const rssFloorSlope = enough ? slope(peaks.map((p) => p.atMin), peaks.map((p) => p.floorMiB)) : NaN;
      const needMin = Math.ceil(warmupMin + 3 * cycleMin);
      ctx.log(`soak: RSS highest / lowest per ${cycleMin.toFixed(1)}-min cycle after ${warmupMin.toFixed(1)} min: ${peaks.map((p) => `${p.rssMiB.toFixed(0)} / ${p.floorMiB.toFixed(0)} MiB`).join(', ') || 'none'}${enough ? '' : ` (run too short: --minutes ${needMin} at least)`}`);
      const heapSlope = slope(steady.map((s) => s.atMin), steady.map((s) => s.heapMiB));
      const heapTotalSlope = slope(steady.map((s) => s.atMin), steady.map((s) => s.heapTotalMiB));
      const externalSlope = slope(steady.map((s) => s.atMin), steady.map((s) => s.externalMiB));
      const duckdbSlope = slope(steady.map((s) => s.atMin), steady.map((s) => s.duckdbMiB));
      const unnamedSlope = slope(steady.map((s) => s.atMin), steady.map((s) => s.unnamedMiB));
      const split = steady.filter((s) => Number.isFinite(s.anonOtherMiB));
      const splitSlope = (f: (s: Sample) => number) => slope(split.map((s) => s.atMin), split.map(f));
      const lagMax = Math.max(...samples.map((s) => s.lag).filter(Number.isFinite));
      const lagLastHalf = Math.max(...samples.filter((s) => s.atMin >= minutes / 2).map((s) => s.lag).filter(Number.isFinite));
      const lagFirstHalf = Math.max(...samples.filter((s) => s.atMin < minutes / 2).map((s) => s.lag).filter(Number.isFinite));
      // Bounded: the second half lags no more than twice the first half's worst, or 10 s of input.
      const lagBound = Math.max(2 * lagFirstHalf, (rate * 10) / RECORDS_PER_MESSAGE);
      const secs = (Date.now() - t0) / 1000;
      const exact = read === sent && accepted + late + dead === read && events === accepted;
      const result: BenchResult = {
        name: 'soak',
        variant: `${(rate / 1000).toFixed(1)}k/s × ${minutes} min${places ? `, ${places} places` : ''}`,
        size: ctx.size,
        events: read,
        seconds: { median: secs, min: secs, max: secs, relative: 0 },
        eventsPerSecond: sent / (minutes * 60),
        peakRssMiB: Math.max(...samples.map((s) => s.rssMiB)),
        cpuSecondsMedian: NaN,
        targets: [
          target('no record lost or counted twice', exact),
          target('lag bounded (last half ≤ 2 × first half, or 10 s of input)', lagLastHalf <= lagBound),
          target(enough ? `RSS flat (per-cycle peaks after warm-up rise ≤ 1 MiB/min; floors ${rssFloorSlope.toFixed(1)}, straight line ${rssSlope.toFixed(1)})` : `RSS flat (run too short: --minutes ${needMin} at least)`, rssPeakSlope <= 1),
          target('alerts p99 ≤ 60 s after their window could close', quantile(latencies, 0.99) <= 60_000),
        ],
        metrics: {
          sent,
          read,
          accepted,
          late,
          dead,
          presenceEvents: events,
          lagMaxMsgs: lagMax,
          lagMaxLastHalfMsgs: lagLastHalf,
          lagMaxFirstHalfMsgs: lagFirstHalf,
          rssSlopeMiBPerMin: rssSlope,
          rssPeakSlopeMiBPerMin: rssPeakSlope,
          rssFloorSlopeMiBPerMin: rssFloorSlope,
          warmupMin,
          heapSlopeMiBPerMin: heapSlope,
          heapTotalSlopeMiBPerMin: heapTotalSlope,
          externalSlopeMiBPerMin: externalSlope,
          duckdbSlopeMiBPerMin: duckdbSlope,
          unnamedSlopeMiBPerMin: unnamedSlope,
          brkSlopeMiBPerMin: splitSlope((s) => s.brkMiB),
          arenasSlopeMiBPerMin: splitSlope((s) => s.arenasMiB),
          anonOtherSlopeMiBPerMin: splitSlope((s) => s.anonOtherMiB),
          unnamedLastMiB: samples.at(-1)?.unnamedMiB ?? NaN,
          duckdbLastMiB: samples.at(-1)?.duckdbMiB ?? NaN,
          duckdbMaxMiB: duckdbPeak?.mib ?? 0,
          duckdbMaxAtMin: duckdbPeak?.atMin ?? NaN,
          rssFirstMiB: samples[0]?.rssMiB ?? NaN,
          rssLastMiB: samples.at(-1)?.rssMiB ?? NaN,
          alerts: live.length,
          alertLatencyP50Ms: quantile(latencies, 0.5),
          alertLatencyP99Ms: quantile(latencies, 0.99),
          subscribers,
          speed,
          places,
          samples: samples.length,
        },
        note: `rate ${why}; ${subscribers} subscribers; event time ×${speed}; away records from ${places ? `${places} places per device` : 'any cell'}; 4 partitions, 200 records/message; sampled every ${sampleSeconds} s; RSS highest / lowest per cycle after ${warmupMin.toFixed(1)} min: ${peaks.map((p) => `${p.rssMiB.toFixed(0)} / ${p.floorMiB.toFixed(0)}`).join(', ')} MiB${duckdbPeak ? `; DuckDB's most ${duckdbPeak.mib.toFixed(0)} MiB at ${duckdbPeak.atMin.toFixed(1)} min (${duckdbPeak.tags})` : ''}`,
        runs: [],
      };
      return [result];
    } catch (err) {
      child.kill('SIGKILL');
      await feed.stop().catch(() => 0);
      throw err;
    } finally {
      if (!process.env.CITYPULSE_KEEP_BENCH_DIR) rmSync(dir, { recursive: true, force: true });
    }
  },
};
