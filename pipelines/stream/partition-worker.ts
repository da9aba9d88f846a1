// A worker thread of `stream --workers N` (see pipelines/stream/partition-workers.ts): the pipelines of
// the partitions the main thread gives it — decode, validate, pseudonymise, locate, event-time windows,
// device consumers — fed batch by batch, each answered with what the partition emitted and how far it
// got. The same steps, in the same order, as processBatch runs on the main thread without workers.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { PartitionBuffer } from '../../src/ingest/sources/kafka/partition-buffer.ts';
import { subscriberPartitioner } from '../../src/ingest/sources/kafka/subscriber-partitioner.ts';
import { CellTable } from '../../src/locate/cell-table.ts';
import { Pseudonymiser } from '../../src/privacy/pseudonymiser.ts';
import { ingestDeviceConsumers } from '../ingest-consumers.ts';
import { IngestPipeline } from '../ingest-pipeline.ts';
import type { FromWorker, PartitionReport, PartitionWorkersConfig, ToWorker, WorkerBatchMessage } from './partition-workers.ts';
import { STREAM_DEFAULTS } from './stream-config.ts';
import { feedRecords } from './feed-records.ts';
import { takeSnapshot } from './take-snapshot.ts';

const cfg = workerData as Omit<PartitionWorkersConfig, 'count'>;
// The main thread read the file a moment ago (a failure there is reported naming --cells).
const cells = CellTable.fromCsv(readFileSync(cfg.cellsPath, 'utf8'), cfg.window.resolution);
const deviceConsumers = cfg.consumers ? await ingestDeviceConsumers(cfg.consumers, cells) : [];
const pseudonymiser = new Pseudonymiser({ key: cfg.pseudonym.key, ...(cfg.pseudonym.rotateEveryMs !== undefined ? { rotateEveryMs: cfg.pseudonym.rotateEveryMs } : {}) });
let wallNow = Date.now();

/** One partition held here: its pipeline, what it emitted since the last report, where its input stands. */
interface Held {
  key: string;
  gen: number;
  topic: string;
  partition: number;
  pipeline: IngestPipeline;
  buffer: PartitionBuffer;
  nextOffset: number;
  /** Replaying up to this offset (exclusive; outputs dropped), -1 when not (see processBatch). */
  replayUntil: number;
  partitionOf: ((imsi: string) => number) | null;
  dirty: boolean;
  strayAt: string | null;
  logs: string[];
}

const parts = new Map<string, Held>();

function post(m: FromWorker, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(m, transfer);
}

function report(h: Held, batch: boolean, dlq: PartitionReport['dlq'] = []): void {
  const d = h.buffer.drain();
  post({
    op: 'report', key: h.key, gen: h.gen, batch, dlq,
    drained: { rows: d.rows, dead: d.dead, lates: d.lates, device: [...d.device] },
    nextOffset: String(h.nextOffset), dirty: h.dirty, replayUntil: String(h.replayUntil),
    stats: h.pipeline.stats, deviceCount: h.pipeline.deviceCount, watermark: h.pipeline.watermark(0), strayAt: h.strayAt, logs: h.logs,
  });
  h.dirty = false;
  h.logs = [];
}

/** The replay reached the stored results: from here outputs count (as `endReplay` in processBatch). */
function endReplay(h: Held, now: number): void {
  h.pipeline.advance(now);
  h.buffer.drain();
  h.logs.push(`partition ${h.key}: replayed up to offset ${h.replayUntil}, storing results from there`);
  h.replayUntil = -1;
}

function batch(m: WorkerBatchMessage): void {
  const h = parts.get(m.key);
  if (!h || h.gen !== m.gen || h.strayAt !== null) {
    // Dropped, replaced or poisoned meanwhile: nothing to report but that the batch is done.
    post({ op: 'skipped', key: m.key, gen: m.gen });
    return;
  }
  wallNow = m.wallNow;
  const { pipeline, buffer } = h;
  const dlq: PartitionReport['dlq'] = [];
  const now = m.now;
  let n = 0;
  for (let i = 0; i < m.offsets.length; i++) {
    const off = m.offsets[i]!;
    if (off < h.nextOffset) continue;
    if (h.replayUntil >= 0 && off >= h.replayUntil) {
      endReplay(h, now);
      dlq.length = 0;
    }
    const value = m.nulls[i] ? null : m.values.subarray(m.bounds[i]!, m.bounds[i + 1]!);
    const position = `${h.partition}@${off}`;
    const deadBefore = buffer.dead.length;
    if (!feedRecords(pipeline, value, m.types[i] ?? undefined, m.keys[i]!, h.partition, h.partitionOf, h.topic, position, h.key, now)) {
      // Nothing of this partition is checkpointed again: the main thread stops the run.
      h.strayAt = position;
      report(h, true);
      return;
    }
    if (cfg.deadLetters && buffer.dead.length > deadBefore) dlq.push({ index: i, reasons: buffer.dead.slice(deadBefore).map((d) => d.reason) });
    h.nextOffset = off + 1;
    if (h.replayUntil < 0) h.dirty = true;
    if ((++n & (STREAM_DEFAULTS.advanceEvery - 1)) === 0) {
      pipeline.advance(now);
      if (h.replayUntil >= 0) {
        buffer.drain();
        dlq.length = 0;
      }
    }
  }
  if (m.consumedUntil > h.nextOffset) h.nextOffset = m.consumedUntil;
  pipeline.advance(now);
  pipeline.tick();
  if (h.replayUntil >= 0) {
    if (h.nextOffset >= h.replayUntil) endReplay(h, now);
    else buffer.drain();
    // Dead letters replayed went to the topic already (as processBatch drops `dlq`).
    dlq.length = 0;
  }
  report(h, true, dlq);
}

parentPort!.on('message', (m: ToWorker) => {
  try {
    switch (m.op) {
      case 'restore': {
        wallNow = m.wallNow;
        const buffer = new PartitionBuffer();
        const pipeline = new IngestPipeline({ cells, pseudonymiser, sink: buffer, deviceConsumers, now: () => wallNow, devicePassDelayMs: cfg.devicePassDelayMs, ...cfg.window });
        if (m.state) pipeline.restore(m.state, m.now);
        for (const d of m.deltas) pipeline.applyDelta(d, m.now);
        const h: Held = {
          key: m.key, gen: m.gen, topic: m.topic, partition: m.partition, pipeline, buffer,
          nextOffset: Number(m.nextOffset), replayUntil: Number(m.replayUntil),
          partitionOf: m.partitions === null ? null : subscriberPartitioner(m.topic, m.partitions),
          dirty: false, strayAt: null, logs: [],
        };
        parts.set(m.key, h);
        report(h, false);
        break;
      }
      case 'batch':
        batch(m);
        break;
      case 'snapshot': {
        const states = m.requests.flatMap(({ key, mode }) => {
          const h = parts.get(key);
          const taken = h ? takeSnapshot(h.pipeline, mode, m.track) : null;
          return taken ? [{ key, ...taken }] : [];
        });
        post({ op: 'snapshot', states });
        break;
      }
      case 'finish': {
        const h = parts.get(m.key);
        if (!h) throw new Error(`partition ${m.key} is not held by this worker`);
        h.pipeline.finish();
        report(h, false);
        break;
      }
      case 'drop':
        parts.delete(m.key);
        break;
    }
  } catch (err) {
    post({ op: 'error', message: `stream worker: ${(err as Error).stack ?? String(err)}` });
  }
});
