/** Median of `xs` (mean of the middle two for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Linear-interpolated quantile `p` (0–1) of `xs`; NaN when empty. */
export function quantile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * p;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return s[lo]! + (s[hi]! - s[lo]!) * (i - lo);
}

/** Median, min, max and the relative half-range (max − min) / 2 / median of repeated measurements. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** (max − min) / (2 × median): ±this share around the median. */
  relative: number;
}

/** The {@link Spread} of `xs`. */
export function spread(xs: readonly number[]): Spread {
  const m = median(xs);
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  return { median: m, min, max, relative: m > 0 ? (max - min) / 2 / m : 0 };
}
