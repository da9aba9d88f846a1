/**
 * Zone densities behind devices whose places are known only as footprints (shares of an area per
 * zone), by expectation–maximisation: the deconvolution of Ricciato, Widhalm, Pantisano and Craglia
 * (2020, "Beyond the 'single-operator, CDR-only' paradigm: an interoperable framework for mobile phone
 * network data analyses and population density estimation") on zones instead of tiles. A device whose
 * footprint has area share `a(z)` in zone z is in z with probability ∝ a(z) · λ(z), where λ(z) =
 * N(z) / A(z) is the zone's density of such devices and N(z) the expected count. Starting from a
 * uniform density (every device spread by area alone) each round recomputes N and λ; a footprint over
 * a dense zone and a sparse one then leans to the dense one, as a Bayesian posterior with the
 * population's own density as the prior. `rounds` stops early (the maximum-likelihood limit overfits
 * zones with few devices); a map of one zone is certain and unaffected.
 */
export function zoneDensities(
  footprints: readonly ReadonlyMap<string, number>[],
  areaOf: (zone: string) => number | null,
  rounds: number,
): Map<string, number> {
  let density: Map<string, number> | null = null;
  for (let r = 0; r < rounds; r++) {
    const n = new Map<string, number>();
    for (const a of footprints) for (const [z, p] of posterior(a, density)) n.set(z, (n.get(z) ?? 0) + p);
    const next = new Map<string, number>();
    for (const [z, c] of n) {
      const area = areaOf(z);
      next.set(z, area !== null && area > 0 ? c / area : 0);
    }
    density = next;
  }
  return density ?? new Map();
}

/**
 * Where a device with footprint shares `a` is, given zone densities (null: uniform — the shares
 * themselves). Falls back to the shares when every zone of the footprint has density 0.
 */
export function posterior(a: ReadonlyMap<string, number>, density: ReadonlyMap<string, number> | null): ReadonlyMap<string, number> {
  if (density === null || a.size <= 1) return a;
  let total = 0;
  for (const [z, s] of a) total += s * (density.get(z) ?? 0);
  if (!(total > 0)) return a;
  const out = new Map<string, number>();
  for (const [z, s] of a) {
    const p = (s * (density.get(z) ?? 0)) / total;
    if (p > 0) out.set(z, p);
  }
  return out;
}
