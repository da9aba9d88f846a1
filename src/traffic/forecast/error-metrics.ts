/** Point-forecast errors over a sample: MAE, RMSE and wMAPE (Σ|error| ÷ Σ|truth|; NaN when Σ|truth| = 0). */
export interface ErrorMetrics {
  n: number;
  mae: number;
  rmse: number;
  wmape: number;
}

/** Running sums of one forecaster at one horizon; {@link ErrorAccumulator.metrics} reads them out. */
export class ErrorAccumulator {
  n = 0;
  #abs = 0;
  #sq = 0;
  #truth = 0;

  add(forecast: number, truth: number): void {
    const e = forecast - truth;
    this.n++;
    this.#abs += Math.abs(e);
    this.#sq += e * e;
    this.#truth += Math.abs(truth);
  }

  metrics(): ErrorMetrics {
    const n = this.n;
    return {
      n,
      mae: n > 0 ? this.#abs / n : NaN,
      rmse: n > 0 ? Math.sqrt(this.#sq / n) : NaN,
      wmape: this.#truth > 0 ? this.#abs / this.#truth : NaN,
    };
  }
}

/**
 * MAE, RMSE, wMAPE of paired forecasts and truths.
 * @example errorMetrics([2, 4], [1, 5]) // { n: 2, mae: 1, rmse: 1, wmape: 1/3 }
 */
export function errorMetrics(forecasts: readonly number[], truths: readonly number[]): ErrorMetrics {
  if (forecasts.length !== truths.length) throw new RangeError(`errorMetrics: ${forecasts.length} forecasts but ${truths.length} truths`);
  const acc = new ErrorAccumulator();
  for (let i = 0; i < forecasts.length; i++) acc.add(forecasts[i]!, truths[i]!);
  return acc.metrics();
}
