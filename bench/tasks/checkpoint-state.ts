import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { IngestPipeline, type PipelineDelta, type PipelineSnapshot } from '../../pipelines/ingest-pipeline.ts';
import { takeSnapshot } from '../../pipelines/stream/take-snapshot.ts';
import type { PipelineSink } from '../../src/core/pipeline-sink.ts';
import { decodeState } from '../../src/core/state-codec.ts';
import { CellTable } from '../../src/locate/cell-table.ts';
import { Pseudonymiser } from '../../src/privacy/pseudonymiser.ts';
import type { TaskReport } from '../lib/run-child.ts';

/** Arguments of {@link checkpointStateTask}. */
export interface CheckpointStateArgs {
  input: string;
  cells: string;
  key: string;
  /** Seconds of input (event time, which live operation follows at wall-clock pace) each delta covers. */
  intervals: number[];
}

const WINDOW_MS = 15 * 60_000;
/** Minutes into a window where the measured checkpoints start: well clear of any window's device pass. */
const INTO_WINDOW_MIN = 7;

/**
 * What a checkpoint costs, whole and incremental, on a partition holding a simulated city's devices
 * (all in one pipeline, the worst case of one partition): the input is fed up to a cut 7 minutes into
 * a window two-thirds of the way through it; then, for each interval I, a full snapshot is taken
 * (timed: take + encode, as a checkpoint does, and its bytes), the next I seconds of input are fed,
 * and the incremental snapshot covering them is taken (timed, bytes). Each chain is then restored into
 * a fresh pipeline (snapshot + delta, through the codec) and compared with the live state: `restoredEqual`.
 */
export async function checkpointStateTask(a: CheckpointStateArgs): Promise<TaskReport> {
  const lines = readFileSync(a.input, 'utf8').split('\n').filter((l) => l.length > 0);
  const tsOf = (l: string) => Number(/"ts":\s*(\d+)/.exec(l)?.[1] ?? NaN);
  const sink: PipelineSink = { presence: () => {}, deadLetter: () => {}, late: () => {}, flush: async () => {} };
  const cells = CellTable.fromCsv(readFileSync(a.cells, 'utf8'), 9);
  const pseudonymiser = new Pseudonymiser({ key: Buffer.from(a.key, 'hex') });
  const make = () => new IngestPipeline({ cells, pseudonymiser, sink });
  const pipeline = make();
  const sorted = lines.map(tsOf).filter(Number.isFinite).sort((x, y) => x - y);
  const cut = Math.floor(sorted[Math.floor((sorted.length * 2) / 3)]! / WINDOW_MS) * WINDOW_MS + INTO_WINDOW_MIN * 60_000;
  let i = 0;
  const feedUntil = (t: number): number => {
    let n = 0;
    // The simulator writes records in time order (per minute); feed in file order up to `t`.
    for (; i < lines.length && !(tsOf(lines[i]!) >= t); i++, n++) pipeline.processPayload(lines[i]!, 'bench', String(i));
    pipeline.advance();
    return n;
  };
  feedUntil(cut);
  const extra: Record<string, number> = { devices: pipeline.deviceCount };
  let from = cut;
  let equal = 1;
  for (const s of a.intervals) {
    const full = takeSnapshot(pipeline, 'full', true)!;
    const events = feedUntil(from + s * 1000);
    from += s * 1000;
    const delta = takeSnapshot(pipeline, 'delta', true);
    if (!delta) throw new Error(`no delta after ${s} s of input: a device pass ran in between (cut ${new Date(cut).toISOString()})`);
    const again = make();
    again.restore(decodeState<PipelineSnapshot>(full.encoded));
    again.applyDelta(decodeState<PipelineDelta>(delta.encoded));
    if (!isDeepStrictEqual(again.snapshot(), pipeline.snapshot())) equal = 0;
    Object.assign(extra, {
      [`full${s}Ms`]: full.ms, [`full${s}Bytes`]: full.encoded.byteLength,
      [`delta${s}Ms`]: delta.ms, [`delta${s}Bytes`]: delta.encoded.byteLength, [`delta${s}Events`]: events,
    });
  }
  extra.restoredEqual = equal;
  return { seconds: extra[`delta${a.intervals[0]}Ms`]! / 1000, events: extra.devices!, extra };
}
