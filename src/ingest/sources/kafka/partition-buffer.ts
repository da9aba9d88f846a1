import type { DeadLetter, LateRecord, PipelineSink } from '../../../core/pipeline-sink.ts';
import type { PresenceRow } from '../../../window/presence-row.ts';

/**
 * A sink that holds one partition's results in memory until the next checkpoint writes them, together
 * with the offsets and state that produced them, in one DuckDB transaction.
 */
export class PartitionBuffer implements PipelineSink {
  rows: PresenceRow[] = [];
  dead: DeadLetter[] = [];
  lates: LateRecord[] = [];
  /** Device consumers' outputs by consumer name, in emission order. */
  device = new Map<string, unknown[]>();
  #deviceCount = 0;
  deviceOutputs(consumer: string, rows: readonly unknown[]): void {
    let buf = this.device.get(consumer);
    if (!buf) this.device.set(consumer, (buf = []));
    for (const r of rows) buf.push(r);
    this.#deviceCount += rows.length;
  }
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
  drain(): { rows: PresenceRow[]; dead: DeadLetter[]; lates: LateRecord[]; device: Map<string, unknown[]> } {
    const out = { rows: this.rows, dead: this.dead, lates: this.lates, device: this.device };
    this.rows = [];
    this.dead = [];
    this.lates = [];
    this.device = new Map();
    this.#deviceCount = 0;
    return out;
  }
  /** Everything buffered (rows, dead letters, late events, device outputs). */
  get size(): number {
    return this.rows.length + this.dead.length + this.lates.length + this.#deviceCount;
  }
}
