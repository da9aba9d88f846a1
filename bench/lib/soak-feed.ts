// The soak's input: a synthetic city of N subscribers on a grid of cells, produced to Kafka at a
// fixed rate, with event time running `speed` × the wall clock, and a crowd in the "stadium" cells
// every other half hour of event time (so crowd alerts open and resolve all along).
import { writeFileSync } from 'node:fs';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { subscriberPartitioner } from '../../src/ingest/sources/kafka/subscriber-partitioner.ts';

/** Grid of cells around Milan's centre; the stadium is the 2 × 2 cells in the middle. */
const GRID = 20;
const LAT0 = 45.44;
const LON0 = 9.14;
const STEP_LAT = 0.003;
const STEP_LON = 0.0045;
const STADIUM = new Set(['c9_9', 'c9_10', 'c10_9', 'c10_10']);
/** The stadium is crowded in every other period of this much event time (two 15-minute windows). */
const CROWD_PERIOD_MS = 30 * 60_000;
/** Event time after which the input repeats itself: one quiet and one crowded half hour. */
export const SOAK_INPUT_PERIOD_MS = 2 * CROWD_PERIOD_MS;
const KINDS = ['tau', 'call', 'sms', 'data', 'handover', 'paging'] as const;

/** Writes the cells CSV and the watched-areas GeoJSON (a 700 m disc over the stadium). */
export function writeSoakCity(cellsPath: string, areasPath: string, capacity: number): void {
  const rows = ['cell_id,lat,lon,site_id,azimuth_deg,range_m,valid_from,valid_to'];
  for (let i = 0; i < GRID; i++) for (let j = 0; j < GRID; j++) rows.push(`c${i}_${j},${(LAT0 + i * STEP_LAT).toFixed(5)},${(LON0 + j * STEP_LON).toFixed(5)},s${i}_${j},0,600,,`);
  writeFileSync(cellsPath, rows.join('\n') + '\n');
  const lat = LAT0 + 9.5 * STEP_LAT;
  const lon = LON0 + 9.5 * STEP_LON;
  const ring = Array.from({ length: 33 }, (_, n) => {
    const a = (2 * Math.PI * (n % 32)) / 32;
    return [lon + (700 * Math.sin(a)) / (111_320 * Math.cos((lat * Math.PI) / 180)), lat + (700 * Math.cos(a)) / 111_320];
  });
  writeFileSync(areasPath, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 'stadium', name: 'Stadium', capacity }, geometry: { type: 'Polygon', coordinates: [ring] } }] }));
}

/** Configuration of {@link startSoakFeed}. */
export interface SoakFeedConfig {
  brokers: string[];
  topic: string;
  partitions: number;
  subscribers: number;
  /** Records per second (wall clock). */
  rate: number;
  /** Event time runs this many times faster than the wall clock. */
  speed: number;
  /** Event time of the first record (ms). */
  eventStart: number;
  /** Records per Kafka message (JSON array, all of one partition). */
  recordsPerMessage: number;
  /** Places of its own each device's away records come from; 0 (default): any cell, uniformly. */
  places?: number;
}

/** A running feed. */
export interface SoakFeed {
  /** Records sent (acknowledged) so far. */
  readonly sent: number;
  /** The producer's error, when it stopped on one. */
  readonly failure: Error | null;
  /** Wall time (ms) at which the feed started: event time `t` was produced at `wallOf(t)`. */
  wallOf(eventTs: number): number;
  /** Stops producing; resolves with the records sent when the last send is acknowledged. */
  stop(): Promise<number>;
}

/**
 * Produces at `rate` records/s in 100 ms ticks until stopped. A tick that cannot keep up is not made
 * up for later (the achieved rate is reported by `sent`).
 */
export async function startSoakFeed(c: SoakFeedConfig): Promise<SoakFeed> {
  const kafka = new Kafka({ clientId: 'citypulse-soak', brokers: c.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: c.topic, numPartitions: c.partitions }], waitForLeaders: true });
  await admin.disconnect();
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const partitionOf = subscriberPartitioner(c.topic, c.partitions);
  const imsis = Array.from({ length: c.subscribers }, (_, i) => `22201${String(1_000_000_000 + i).slice(-10)}`);
  const parts = imsis.map((s) => partitionOf(s));
  const home = imsis.map((_, i) => `c${(i * 7) % GRID}_${(i * 13) % GRID}`);
  const places = c.places ?? 0;
  // Place k of device i (k ≥ 1; home is place 0): fixed per device, spread over the grid.
  const placeOf = (i: number, k: number) => `c${(i * (7 + 4 * k) + 3 * k) % GRID}_${(i * (13 + 6 * k) + 5 * k) % GRID}`;
  const fans = Math.floor(c.subscribers / 4);
  let seed = 12345;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const wall0 = Date.now();
  const eventOf = (wall: number) => c.eventStart + (wall - wall0) * c.speed;
  let sent = 0;
  let planned = 0;
  let stopped = false;
  let inFlight: Promise<unknown> = Promise.resolve();
  const tick = async () => {
    const due = Math.floor(((Date.now() - wall0) / 1000) * c.rate) - planned;
    if (due <= 0) return;
    planned += due;
    const now = Date.now();
    const ts = eventOf(now);
    const crowd = Math.floor((ts - c.eventStart) / CROWD_PERIOD_MS) % 2 === 1;
    const byPartition: unknown[][] = Array.from({ length: c.partitions }, () => []);
    for (let n = 0; n < due; n++) {
      const i = Math.floor(rnd() * c.subscribers);
      const stadium = crowd && i < fans && rnd() < 0.8;
      const cell = stadium ? [...STADIUM][i % 4]! : rnd() < 0.7 ? home[i]! : places > 0 ? placeOf(i, 1 + Math.floor(rnd() * places)) : `c${Math.floor(rnd() * GRID)}_${Math.floor(rnd() * GRID)}`;
      // Event times spread over the tick, ascending.
      byPartition[parts[i]!]!.push({ ts: Math.floor(ts - (due - n) * (100 * c.speed) / due), imsi: imsis[i], cell, event: KINDS[Math.floor(rnd() * KINDS.length)] });
    }
    const messages: { partition: number; value: string }[] = [];
    byPartition.forEach((recs, partition) => {
      for (let k = 0; k < recs.length; k += c.recordsPerMessage) messages.push({ partition, value: JSON.stringify(recs.slice(k, k + c.recordsPerMessage)) });
    });
    // Requests of at most 24 messages (~0.5 MB): a tick that grew after a slow one stays under the
    // broker's request and batch limits.
    const send = (async () => {
      for (let k = 0; k < messages.length; k += 24) await producer.send({ topic: c.topic, acks: -1, messages: messages.slice(k, k + 24) });
      sent += due;
    })();
    inFlight = Promise.all([inFlight, send]);
    await send;
  };
  let failure: Error | null = null;
  let running = Promise.resolve();
  const timer = setInterval(() => {
    if (stopped) return;
    // One tick at a time: a slow broker makes ticks bigger, not concurrent.
    running = running.then(tick).catch((err: Error) => {
      failure ??= err;
      stopped = true;
    });
  }, 100);
  return {
    get sent() {
      return sent;
    },
    get failure() {
      return failure;
    },
    wallOf: (t) => wall0 + (t - c.eventStart) / c.speed,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await inFlight.catch(() => {});
      await producer.disconnect();
      if (failure) throw new Error(`the soak producer failed: ${(failure as Error).message}`, { cause: failure });
      return sent;
    },
  };
}
