import { Pseudonymiser, type PseudonymiserConfig } from '../../src/privacy/pseudonymiser.ts';

/**
 * A {@link Pseudonymiser} that also notes when the pipeline pseudonymised its first record and its
 * `expected`-th one: on the per-record paths every valid record passes here exactly once, so these
 * bound the processing span without touching the pipeline. The columnar Arrow path asks once per
 * subscriber per batch, never `expected` times: there `lastAt` is the last call (the start of the
 * last batch's lookups). Costs a counter increment and a clock read per call.
 */
export class ProbePseudonymiser extends Pseudonymiser {
  readonly #expected: number;
  calls = 0;
  firstAt = NaN;
  lastAt = NaN;

  constructor(config: PseudonymiserConfig, expected: number) {
    super(config);
    this.#expected = expected;
  }

  override pseudonym(imsi: string): string {
    const n = ++this.calls;
    if (n === 1) this.firstAt = performance.now();
    if (n <= this.#expected) this.lastAt = performance.now();
    return super.pseudonym(imsi);
  }
}
