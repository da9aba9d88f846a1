/** The network's own MCC and how it was chosen. */
export interface HomeMcc {
  mcc: string;
  /** `config` when given, `most-seen` when inferred from the input. */
  source: 'config' | 'most-seen';
}

/**
 * The home MCC: the configured one, or else the MCC carried by the most devices in the input
 * (ties to the smallest code). Null when nothing is configured and no device has an MCC.
 */
export function resolveHomeMcc(configured: string | undefined, mccByDevice: ReadonlyMap<string, string>): HomeMcc | null {
  if (configured !== undefined) {
    if (!/^\d{3}$/.test(configured)) throw new RangeError(`home MCC must be 3 digits, got ${JSON.stringify(configured)}`);
    return { mcc: configured, source: 'config' };
  }
  const n = new Map<string, number>();
  for (const m of mccByDevice.values()) n.set(m, (n.get(m) ?? 0) + 1);
  let best: [string, number] | null = null;
  for (const e of n) if (!best || e[1] > best[1] || (e[1] === best[1] && e[0] < best[0])) best = e;
  return best && { mcc: best[0], source: 'most-seen' };
}
