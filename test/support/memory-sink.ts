import type { DeadLetter, LateRecord, PipelineSink } from '../../src/core/pipeline-sink.ts';
import type { PresenceRow } from '../../src/window/presence-row.ts';

/** A sink that keeps everything in arrays, for pure pipeline tests. */
export class MemorySink implements PipelineSink {
  rows: PresenceRow[] = [];
  dead: DeadLetter[] = [];
  lates: LateRecord[] = [];
  presence(rows: readonly PresenceRow[]): void {
    this.rows.push(...rows);
  }
  deadLetter(dl: DeadLetter): void {
    this.dead.push(dl);
  }
  late(le: LateRecord): void {
    this.lates.push(le);
  }
  async flush(): Promise<void> {}
}
