import type { DeadLetter, LateRecord, PipelineSink } from '../../../outputs/sink.ts';
import type { PresenceRow } from '../../../window/presence-row.ts';

/**
 * A sink that holds one partition's results in memory until the next checkpoint writes them, together
 * with the offsets and state that produced them, in one DuckDB transaction.
 */
export class PartitionBuffer implements PipelineSink {
  rows: PresenceRow[] = [];
  dead: DeadLetter[] = [];
  lates: LateRecord[] = [];
  presence(rows: readonly PresenceRow[]): void {
    for (const r of rows) this.rows.push(r);
  }
  deadLetter(dl: DeadLetter): void {
    this.dead.push(dl);
  }
  late(le: LateRecord): void {
    this.lates.push(le);
  }
  async flush(): Promise<void> {}
  /** Takes everything buffered, leaving the buffer empty. */
  drain(): { rows: PresenceRow[]; dead: DeadLetter[]; lates: LateRecord[] } {
    const out = { rows: this.rows, dead: this.dead, lates: this.lates };
    this.rows = [];
    this.dead = [];
    this.lates = [];
    return out;
  }
  get size(): number {
    return this.rows.length + this.dead.length + this.lates.length;
  }
}
