import type { SignallingKind } from '../../../schemas/events.ts';

/** Where devices put the records they produce; the simulation turns them into NDJSON lines. */
export interface RecordSink {
  /** A signalling record of `imsi` at `ts` on `cell`. */
  signalling(ts: number, imsi: string, cell: string, event: SignallingKind): void;
  /** A location fix at metric (x, y) with its accuracy radius. */
  fix(ts: number, imsi: string, x: number, y: number, accuracyM: number): void;
  /** Records until {@link closeBatch} go out as one JSON-array line. */
  openBatch(): void;
  closeBatch(): void;
}
