// A window worker of `ingest --workers N` (see pipelines/ingest-workers.ts): the event-time windows
// and device consumers of the devices the main thread sends it. It reads no input and pseudonymises
// nothing: it receives located events (device ids are pseudonyms already) and watermarks.
import { parentPort, workerData } from 'node:worker_threads';
import type { LocatedEvent } from '../schemas/events.ts';
import type { PresenceRow } from '../src/core/presence-row.ts';
import type { PipelineSink } from '../src/core/pipeline-sink.ts';
import { readFileSync } from 'node:fs';
import { CellTable } from '../src/locate/cell-table.ts';
import { ingestDeviceConsumers } from './ingest-consumers.ts';
import { IngestPipeline } from './ingest-pipeline.ts';
import type { IngestWorkersConfig, WorkerBatch, WorkerReply } from './ingest-workers.ts';

const cfg = workerData as Omit<IngestWorkersConfig, 'count'>;
// The main thread read this file a moment ago (a failure there is reported naming --cells).
const cells = CellTable.fromCsv(readFileSync(cfg.cellsPath, 'utf8'), cfg.window.resolution);
const deviceConsumers = await ingestDeviceConsumers(cfg.consumers, cells);

let rows: PresenceRow[] = [];
let outputs = new Map<string, unknown[]>();
const sink: PipelineSink = {
  presence: (r) => void rows.push(...r),
  deviceOutputs: (name, r) => {
    const have = outputs.get(name);
    if (have) for (const x of r) have.push(x);
    else outputs.set(name, [...r]);
  },
  // The main thread decides lateness and dead letters; a window worker seeing either is a bug.
  late: (le) => {
    throw new Error(`a window worker found an event late (window ${le.windowStart}): the main thread's watermark and the worker's windows disagree`);
  },
  deadLetter: () => {
    throw new Error('a window worker was sent a dead letter');
  },
  flush: async () => {},
};
const pipeline = new IngestPipeline({ cells, sink, deviceConsumers, ...cfg.window });

let dict: string[] = [];

parentPort!.on('message', (m: WorkerBatch) => {
  let reply: WorkerReply;
  try {
    if (m.reset) dict = [];
    for (const x of m.strings) dict.push(x);
    const ids = m.ids;
    for (let i = 0, j = 0; i < m.ts.length; i++, j += 5) {
      const ev: LocatedEvent = { ts: m.ts[i]!, device: dict[ids[j]!]!, h3: dict[ids[j + 1]!]!, kind: dict[ids[j + 2]!]! };
      if (ids[j + 3]! >= 0) ev.at = dict[ids[j + 3]!]!;
      if (ids[j + 4]! >= 0) ev.mcc = dict[ids[j + 4]!]!;
      pipeline.processLocated(ev, 'worker', '', 'worker');
    }
    if (m.advanceTo !== null) pipeline.advanceTo(m.advanceTo);
    if (m.finish) pipeline.finish();
    reply = { marker: m.marker, rows, outputs: [...outputs], deviceCount: pipeline.deviceCount };
  } catch (err) {
    reply = { marker: m.marker, rows: [], outputs: [], deviceCount: 0, error: (err as Error).stack ?? String(err) };
  }
  rows = [];
  outputs = new Map();
  parentPort!.postMessage(reply);
});
