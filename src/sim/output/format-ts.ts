const PAD = ['', '0', '00', '000', '0000', '00000', '000000'];

/**
 * An event time as a JSON value: epoch ms, or, in `stringRate` of cases, an RFC 3339 string (half
 * in UTC `Z`, half with a `+01:00` offset). `u` is a uniform draw in [0, 1).
 */
export function formatTs(ts: number, u: number, stringRate: number): string {
  if (u >= stringRate) {
    // Two small integers print much faster than one 13-digit double.
    const hi = Math.floor(ts / 1e6);
    const lo = String(ts - hi * 1e6);
    return hi > 0 ? `${hi}${PAD[6 - lo.length]}${lo}` : lo;
  }
  if (u < stringRate / 2) return `"${new Date(ts).toISOString()}"`;
  return `"${new Date(ts + 3_600_000).toISOString().slice(0, 23)}+01:00"`;
}
