import { UserInputError } from '../../core/citypulse-error.ts';

/** A watched-areas file that cannot be used, naming the feature (0-based index and id). */
export class AreaError extends UserInputError {
  override name = 'AreaError';
  /** 0-based index of the feature in `features`, or null for file-level errors. */
  readonly featureIndex: number | null;
  /** The feature's id when it could be read. */
  readonly featureId: string | null;

  constructor(message: string, options: { featureIndex?: number | null; featureId?: string | null; source?: string; cause?: unknown } = {}) {
    const where =
      options.featureIndex === undefined || options.featureIndex === null
        ? ''
        : `feature ${options.featureIndex}${options.featureId ? ` (id "${options.featureId}")` : ''}: `;
    super(`${options.source ? `${options.source}: ` : ''}${where}${message}`, { cause: options.cause });
    this.featureIndex = options.featureIndex ?? null;
    this.featureId = options.featureId ?? null;
  }
}
