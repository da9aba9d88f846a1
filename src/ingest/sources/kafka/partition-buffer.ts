import type { DeadLetter, LateRecord, PipelineSink } from '../../../core/pipeline-sink.ts';
import type { PresenceRow } from '../../../core/presence-row.ts';

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
  /**
   * Puts back what {@link drain} took, ahead of anything buffered since (a checkpoint whose transaction
   * failed: its rows must go with the next one, or they would be lost while the state moved on).
   */
  putBack(d: ReturnType<PartitionBuffer['drain']>): void {
    this.rows = [...d.rows, ...this.rows];
    this.dead = [...d.dead, ...this.dead];
    this.lates = [...d.lates, ...this.lates];
    for (const [name, rows] of d.device) {
      const later = this.device.get(name) ?? [];
      this.device.set(name, [...rows, ...later]);
      this.#deviceCount += rows.length;
    }
  }
  /** Everything buffered (rows, dead letters, late events, device outputs). */
  get size(): number {
    return this.rows.length + this.dead.length + this.lates.length + this.#deviceCount;
  }
}
