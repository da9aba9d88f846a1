import { CitypulseError } from '../../core/citypulse-error.ts';

/** Context of a {@link LakeError}. */
export interface LakeErrorContext {
  /** The file or folder involved. */
  path?: string;
  /** Window start (epoch ms) being written, when relevant. */
  windowStart?: number;
  cause?: unknown;
}

/** A lake file that could not be written, merged or compacted; names the path and window. */
export class LakeError extends CitypulseError {
  override name = 'LakeError';
  readonly path: string | undefined;
  readonly windowStart: number | undefined;

  constructor(message: string, context: LakeErrorContext = {}) {
    super(message, { kind: 'internal', cause: context.cause, path: context.path, windowStart: context.windowStart });
    this.path = context.path;
    this.windowStart = context.windowStart;
  }
}
