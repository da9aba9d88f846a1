/** Where a {@link ZoneError} happened. */
export interface ZoneErrorContext {
  /** 1-based position of the feature in the file. */
  feature?: number;
  /** The zone id, when known. */
  zoneId?: string;
  cause?: unknown;
}

/** A zones file that cannot be used; the message names the feature (position, id and name). */
export class ZoneError extends Error {
  override name = 'ZoneError';
  readonly feature: number | undefined;
  readonly zoneId: string | undefined;

  constructor(message: string, context: ZoneErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.feature = context.feature;
    this.zoneId = context.zoneId;
  }
}
