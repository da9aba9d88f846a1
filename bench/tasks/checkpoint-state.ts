import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
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
  /** Hours the input spans (its cut is two-thirds in). */
  hours: number;
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
  // Streamed: a large size's input (11.7 M lines) is more than one string can hold.
  const lines = createInterface({ input: createReadStream(a.input, 'utf8'), crlfDelay: Infinity })[Symbol.asyncIterator]();
  const tsOf = (l: string) => Number(/"ts":\s*(\d+)/.exec(l)?.[1] ?? NaN);
  const sink: PipelineSink = { presence: () => {}, deadLetter: () => {}, late: () => {}, flush: async () => {} };
  const cells = CellTable.fromCsv(readFileSync(a.cells, 'utf8'), 9);
  const pseudonymiser = new Pseudonymiser({ key: Buffer.from(a.key, 'hex') });
  const make = () => new IngestPipeline({ cells, pseudonymiser, sink });
  const pipeline = make();
  let held: string | null = null;
  let n = 0;
  let cut = NaN;
  /** Feeds lines in file order (the simulator writes them in time order, minute by minute) until one at or after `t` (held for later). */
  const feedUntil = async (t: number): Promise<number> => {
    let fed = 0;
    for (;;) {
      const line = held ?? (await lines.next()).value;
      held = null;
      if (line === undefined) break;
      if (line.length === 0) continue;
      const ts = tsOf(line);
      // The first record fixes the cut: two-thirds into the input, 7 minutes into a window.
      if (Number.isNaN(cut) && Number.isFinite(ts)) {
        cut = Math.floor((ts + (a.hours * 3_600_000 * 2) / 3) / WINDOW_MS) * WINDOW_MS + INTO_WINDOW_MIN * 60_000;
        if (!Number.isFinite(t)) t = cut;
      }
      if (ts >= t) {
        held = line;
        break;
      }
      pipeline.processPayload(line, 'bench', String(n++));
      fed++;
    }
    pipeline.advance();
    return fed;
  };
  await feedUntil(NaN);
  const extra: Record<string, number> = { devices: pipeline.deviceCount };
  let from = cut;
  let equal = 1;
  for (const s of a.intervals) {
    const full = takeSnapshot(pipeline, 'full', true)!;
    const events = await feedUntil(from + s * 1000);
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
