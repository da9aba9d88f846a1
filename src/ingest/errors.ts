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
export class IngestError extends Error {
  override name = 'IngestError';
  readonly context: Record<string, unknown>;
  constructor(message: string, options: { cause?: unknown } & Record<string, unknown> = {}) {
    const { cause, ...context } = options;
    super(message, { cause });
    this.context = context;
  }
}
