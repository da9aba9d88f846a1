import type { DeadLetterReason } from '../../../schemas/events.ts';
import type { BadLine, TruePosition, TrueTrip, TruthSink } from './truth-sink.ts';

/**
 * A {@link TruthSink} that keeps everything in memory, for tests and small runs.
 *
 * @example
 * const truth = new TruthCollector();
 * const lines = [...simulateLines({ subscribers: 500 }, truth)];
 * truth.badLines.get(17); // 'unknown_cell'
 */
export class TruthCollector implements TruthSink {
  readonly positions: TruePosition[] = [];
  readonly trips: TrueTrip[] = [];
  /** 1-based line number → expected dead-letter reason. */
  readonly badLines = new Map<number, DeadLetterReason>();

  position(p: TruePosition): void {
    this.positions.push(p);
  }

  trip(t: TrueTrip): void {
    this.trips.push(t);
  }

  badLine(b: BadLine): void {
    this.badLines.set(b.line, b.reason);
  }
}
