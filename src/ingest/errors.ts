import { CitypulseError, type CitypulseErrorOptions } from '../core/citypulse-error.ts';
import type { DeadLetterReason } from '../../schemas/events.ts';

/** A record that cannot enter the pipeline, with the reason and a human-readable detail. */
export interface Rejection {
  reason: DeadLetterReason;
  detail: string;
}

/** Builds a {@link Rejection}. */
export function reject(reason: DeadLetterReason, detail: string): Rejection {
  return { reason, detail };
}

/** An error of the ingest stage, with where it happened. */
export class IngestError extends CitypulseError {
  override name = 'IngestError';
  /** Default kind `internal`; pass `kind: 'usage'` for input the user can fix. */
  constructor(message: string, options: CitypulseErrorOptions = {}) {
    super(message, options);
  }
}
