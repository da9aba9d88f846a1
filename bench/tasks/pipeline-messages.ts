import { readFileSync } from 'node:fs';
import { IngestPipeline } from '../../pipelines/ingest-pipeline.ts';
import type { DeadLetter, LateRecord, PipelineSink } from '../../src/core/pipeline-sink.ts';
import type { PresenceRow } from '../../src/core/presence-row.ts';
import { ARROW_STREAM_CONTENT_TYPE, arrowRecords } from '../../src/ingest/decode/arrow-message.ts';
import { decodeMessage } from '../../src/ingest/decode/decode-message.ts';
import { encodeArrowBatch } from '../../src/ingest/encode/arrow-batch.ts';
import { toArrowRow, type ArrowRow } from '../../src/ingest/encode/arrow-row.ts';
import { CellTable } from '../../src/locate/cell-table.ts';
import { Pseudonymiser } from '../../src/privacy/pseudonymiser.ts';
import type { TaskReport } from '../lib/run-child.ts';

/** How the records reach the pipeline. */
export const PIPELINE_MESSAGE_VARIANTS = ['ndjson', 'json-array', 'arrow-per-record', 'arrow-columnar'] as const;
/** One of {@link PIPELINE_MESSAGE_VARIANTS}. */
export type PipelineMessageVariant = (typeof PIPELINE_MESSAGE_VARIANTS)[number];

/** Arguments of {@link pipelineMessagesTask}. */
export interface PipelineMessagesArgs {
  input: string;
  cells: string;
  key: string;
  variant: PipelineMessageVariant;
  recordsPerMessage: number;
}

type Message = { json: string } | { arrow: Uint8Array };

/**
 * The pipeline alone, no Kafka: the records of a simulated day, prepared (untimed) as messages — one
 * NDJSON line each, JSON arrays or Arrow IPC batches of `recordsPerMessage` consecutive records (a
 * record a row cannot carry travels alone as JSON, as `publish` does) — then timed from the first
 * message's bytes to the last window closed: decode → validate → pseudonymise → locate → windows,
 * into a counting sink. `arrow-per-record` feeds the same Arrow rows one by one (the path before the
 * columnar one), `arrow-columnar` as batches.
 */
export async function pipelineMessagesTask(a: PipelineMessagesArgs): Promise<TaskReport> {
  const lines = readFileSync(a.input, 'utf8').split('\n').filter((l) => l.length > 0);
  const messages: Message[] = [];
  if (a.variant === 'ndjson') {
    for (const l of lines) messages.push({ json: l });
  } else {
    const records: unknown[] = [];
    for (const l of lines) {
      let v: unknown;
      try {
        v = JSON.parse(l);
      } catch {
        messages.push({ json: l });
        continue;
      }
      for (const r of Array.isArray(v) ? v : [v]) records.push(r);
    }
    for (let i = 0; i < records.length; i += a.recordsPerMessage) {
      const chunk = records.slice(i, i + a.recordsPerMessage);
      if (a.variant === 'json-array') {
        messages.push({ json: JSON.stringify(chunk) });
        continue;
      }
      const rows: ArrowRow[] = [];
      for (const r of chunk) {
        const row = toArrowRow(r);
        if (row) rows.push(row);
        else messages.push({ json: JSON.stringify(r) });
      }
      messages.push({ arrow: encodeArrowBatch(rows) });
    }
  }
  let rows = 0;
  const sink: PipelineSink = {
    presence: (r: readonly PresenceRow[]) => void (rows += r.length),
    deadLetter: (_d: DeadLetter) => {},
    late: (_l: LateRecord) => {},
    flush: async () => {},
  };
  const pipeline = new IngestPipeline({
    cells: CellTable.fromCsv(readFileSync(a.cells, 'utf8'), 9),
    pseudonymiser: new Pseudonymiser({ key: Buffer.from(a.key, 'hex') }),
    sink,
  });
  const perRecord = a.variant === 'arrow-per-record';
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  for (const m of messages) {
    const position = `0@${n}`;
    if ('json' in m) pipeline.processPayload(m.json, 'bench', position, 'p0');
    else if (perRecord) {
      const rs = arrowRecords(m.arrow)!;
      pipeline.processMessage({ kind: 'many', records: { [Symbol.iterator]: () => rs[Symbol.iterator]() } }, 'bench', position, 'p0');
    } else pipeline.processMessage(decodeMessage(m.arrow, ARROW_STREAM_CONTENT_TYPE), 'bench', position, 'p0');
    if ((++n & 255) === 0 || !('json' in m)) pipeline.advance();
  }
  pipeline.finish();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // CPU seconds of the timed span alone: on a busy machine, events per CPU-second compares paths fairly.
  const spanCpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    seconds,
    events: pipeline.stats.records,
    extra: { messages: messages.length, presenceRows: rows, accepted: pipeline.stats.accepted, spanCpuSeconds, eventsPerCpuSecond: Math.round(pipeline.stats.records / spanCpuSeconds) },
  };
}
