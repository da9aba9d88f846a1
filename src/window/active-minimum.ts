/**
 * The rule shared by event-time watermarks ({@link Watermarks}) and the stream's publish frontier
 * (`publishFrontier`): the minimum of the values of the inputs that are not idle; an active input
 * without a value yet holds everything back (`null`); when every input is idle, the highest value of
 * any input rules (-Infinity when none has one). An accumulator (reset, add, result) so the hot path
 * (one watermark per accepted record) allocates nothing.
 *
 * @example
 * const m = new ActiveMinimum();
 * m.add(10, false); m.add(4, true);
 * m.result; // 10
 */
export class ActiveMinimum {
  #min = Infinity;
  #max = -Infinity;
  #anyActive = false;
  #held = false;

  /** Starts over. Returns `this`. */
  reset(): this {
    this.#min = Infinity;
    this.#max = -Infinity;
    this.#anyActive = false;
    this.#held = false;
    return this;
  }

  /** Adds an input: its value (undefined before it has one) and whether it is idle. */
  add(value: number | undefined, idle: boolean): void {
    if (value !== undefined && value > this.#max) this.#max = value;
    if (idle) return;
    if (value === undefined) {
      this.#held = true;
      return;
    }
    this.#anyActive = true;
    if (value < this.#min) this.#min = value;
  }

  /** The minimum over active inputs; null when an active input has no value; else the maximum. */
  get result(): number | null {
    if (this.#held) return null;
    return this.#anyActive ? this.#min : this.#max;
  }
}
