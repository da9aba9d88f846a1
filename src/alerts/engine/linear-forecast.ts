/**
 * Least-squares line through `(t, y)` points, evaluated at `at`. Returns null for fewer than two
 * distinct times. Times are shifted to the last point first, so epoch milliseconds stay exact.
 * @example linearForecast([[0, 100], [1, 200], [2, 300]], 4) // { value: 500, slope: 100 }
 */
export function linearForecast(points: readonly (readonly [number, number])[], at: number): { value: number; slope: number } | null {
  const n = points.length;
  if (n < 2) return null;
  const t0 = points[n - 1]![0];
  let st = 0;
  let sy = 0;
  for (const [t, y] of points) {
    st += t - t0;
    sy += y;
  }
  const mt = st / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (const [t, y] of points) {
    const dx = t - t0 - mt;
    sxx += dx * dx;
    sxy += dx * (y - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  return { value: my + slope * (at - t0 - mt), slope };
}
