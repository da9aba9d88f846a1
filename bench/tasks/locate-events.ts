import { createReadStream, readFileSync } from 'node:fs';
import { IngestPipeline } from '../../pipelines/ingest-pipeline.ts';
import { validateRecord } from '../../src/ingest/validate.ts';
import { lineBatches } from '../../src/ingest/sources/line-batches.ts';
import { CellTable } from '../../src/locate/cell-table.ts';
import { locateRecord } from '../../src/locate/locator.ts';
import type { DeadLetter, LateRecord, PipelineSink } from '../../src/core/pipeline-sink.ts';
import { Pseudonymiser } from '../../src/privacy/pseudonymiser.ts';
import type { PresenceRow } from '../../src/core/presence-row.ts';
import { valueCodec } from '../../src/outputs/duckdb/value-codec.ts';
import { LineWriter } from '../lib/line-writer.ts';
import type { TaskReport } from '../lib/run-child.ts';
import { grown } from '../../src/core/grown.ts';
import { BATCH_KINDS } from '../lib/batch-comparison.ts';

/** Arguments of {@link locateEventsTask}. */
export interface LocateEventsArgs {
  input: string;
  cells: string;
  /**
   * CSV of located events: seq,ts,device,h3,kind — device as a dense integer id (the pseudonyms
   * numbered in order of first appearance, as a warehouse's surrogate key), seq the event's arrival
   * index among its device's events (all the SQL orders by, as a tie-break of equal timestamps, is a
   * device's own events; a per-device index fits 32 bits however many events a day has), h3 as a
   * decimal BIGINT, kind one of {@link BATCH_KINDS}.
   */
  events: string;
  /** CSV of the streaming engine's presence for the same input: window_start,h3,present,active,events. */
  engine: string;
  key: string;
}

/**
 * Prepares the batch comparison (untimed): the stored events a warehouse would hold — validated,
 * pseudonymised and located exactly as the pipeline does, each pseudonym mapped once to a dense
 * integer id so both engines store and sort 4-byte integers instead of 32-character strings — and,
 * for checking the SQL, the presence the streaming engine computes from the same input.
 */
export async function locateEventsTask(a: LocateEventsArgs): Promise<TaskReport> {
  const t0 = performance.now();
  const cells = CellTable.fromCsv(readFileSync(a.cells, 'utf8'), 9);
  const pseudo = new Pseudonymiser({ key: Buffer.from(a.key, 'hex') });
  const now = Date.now();
  const rows: PresenceRow[] = [];
  let dead = 0;
  let late = 0;
  const sink: PipelineSink = {
    presence: (r: readonly PresenceRow[]) => void rows.push(...r),
    deadLetter: (_d: DeadLetter) => void dead++,
    late: (_l: LateRecord) => void late++,
    flush: async () => {},
  };
  const pipeline = new IngestPipeline({ cells, pseudonymiser: pseudo, sink });
  const out = new LineWriter(a.events);
  let written = 0;
  const ids = new Map<string, number>();
  let perDevice = new Uint32Array(1 << 16);
  for await (const b of lineBatches(createReadStream(a.input, { highWaterMark: 1 << 20 }))) {
    for (const line of b.lines) {
      const v: unknown = JSON.parse(line);
      for (const r of Array.isArray(v) ? v : [v]) {
        const rec = validateRecord(r, now);
        if ('reason' in rec) continue;
        const ev = locateRecord(rec, pseudo.pseudonym(rec.imsi), cells);
        if ('reason' in ev) continue;
        let id = ids.get(ev.device);
        if (id === undefined) ids.set(ev.device, (id = ids.size));
        if (id === perDevice.length) perDevice = grown(perDevice, 2 * perDevice.length);
        if (!BATCH_KINDS.includes(ev.kind)) throw new Error(`batch input: kind ${JSON.stringify(ev.kind)} is not one of ${BATCH_KINDS.join(', ')}`);
        await out.write(`${perDevice[id]!++},${ev.ts},${id},${valueCodec.h3ToUbigint(ev.h3)},${ev.kind}`);
        written++;
      }
      pipeline.processPayload(line, a.input, 'x');
    }
    pipeline.advance();
  }
  await out.close();
  pipeline.finish();
  if (dead > 0 || late > 0) throw new Error(`batch input must be clean: ${dead} dead letters, ${late} late events`);
  rows.sort((x, y) => x.windowStart - y.windowStart || (x.h3 < y.h3 ? -1 : x.h3 > y.h3 ? 1 : 0));
  const eng = new LineWriter(a.engine);
  for (const r of rows) await eng.write(`${r.windowStart},${valueCodec.h3ToUbigint(r.h3)},${r.present},${r.active},${r.events}`);
  await eng.close();
  return { seconds: (performance.now() - t0) / 1000, events: written, extra: { presenceRows: rows.length, devices: ids.size } };
}
