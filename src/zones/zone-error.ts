import { CitypulseError, type ErrorKind } from '../core/citypulse-error.ts';

/** Where a {@link ZoneError} happened. */
export interface ZoneErrorContext {
  /** 1-based position of the feature in the file. */
  feature?: number;
  /** The zone id, when known. */
  zoneId?: string;
  cause?: unknown;
  /** Default `usage` (a bad zones file); `not_found` for an unknown zone system. */
  kind?: ErrorKind;
}

/** A zones file that cannot be used; the message names the feature (position, id and name). */
export class ZoneError extends CitypulseError {
  override name = 'ZoneError';
  readonly feature: number | undefined;
  readonly zoneId: string | undefined;

  constructor(message: string, context: ZoneErrorContext = {}) {
    super(message, { kind: context.kind ?? 'usage', cause: context.cause, feature: context.feature, zoneId: context.zoneId });
    this.feature = context.feature;
    this.zoneId = context.zoneId;
  }
}
