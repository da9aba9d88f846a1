/** One zone's breakdown: label → device count. */
export interface Breakdown {
  zone: string;
  counts: Readonly<Record<string, number>>;
}

/** What {@link ksafeBreakdown} released and withheld. */
export interface KsafeResult {
  released: Breakdown[];
  /** Zones whose whole breakdown was dropped. */
  suppressedZones: string[];
}

/**
 * k-safe release of per-zone breakdowns (FlowKit ADR 0011): when any label of a zone has a count in
 * `[1, k)`, the zone's WHOLE breakdown is dropped, so no small count can be recovered by subtracting
 * the released labels from a zone total. Zero counts reveal no one and do not trigger suppression.
 *
 * With `pool` (used for origins, whose tail is long) the labels below k are first pooled into
 * `poolLabel`; the zone is then released only when that pool is 0 or ≥ k.
 *
 * @example
 * ksafeBreakdown([{ zone: 'a', counts: { residents: 12, workers: 2 } }], 5).suppressedZones // ['a']
 */
export function ksafeBreakdown(rows: readonly Breakdown[], k: number, pool?: { label: string }): KsafeResult {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be an integer ≥ 1, got ${k}`);
  const released: Breakdown[] = [];
  const suppressedZones: string[] = [];
  for (const r of rows) {
    let counts: Record<string, number> = { ...r.counts };
    if (pool) {
      let pooled = 0;
      const kept: Record<string, number> = {};
      for (const [l, v] of Object.entries(counts)) {
        if (v > 0 && v < k) pooled += v;
        else if (l !== pool.label) kept[l] = v;
        else pooled += v;
      }
      if (pooled > 0) kept[pool.label] = pooled;
      counts = kept;
    }
    if (Object.values(counts).some((v) => v > 0 && v < k)) suppressedZones.push(r.zone);
    else released.push({ zone: r.zone, counts });
  }
  return { released, suppressedZones };
}
