/**
 * Per-zone expansion factors (people per detected device), from residents:
 * `census population ÷ detected residents` for zones with a census figure and ≥ 1 detected resident,
 * else `1 ÷ marketShare`. Used by `export population` / `export origins`, the event report and the
 * OD issue's `trips_expanded`.
 *
 * @param residents detected residents per zone
 * @param census population per zone (optional; zones missing from it fall back to the market share)
 * @param marketShare operator's share of the population, (0, 1]
 */
export function expansionFactors(
  residents: ReadonlyMap<string, number>,
  census: ReadonlyMap<string, number> | null,
  marketShare: number,
): (zone: string) => number {
  if (!(marketShare > 0 && marketShare <= 1)) throw new RangeError(`market share must be in (0, 1], got ${marketShare}`);
  const f = new Map<string, number>();
  if (census) for (const [z, pop] of census) {
    const r = residents.get(z) ?? 0;
    if (r > 0 && pop >= 0) f.set(z, pop / r);
  }
  return (zone) => f.get(zone) ?? 1 / marketShare;
}
