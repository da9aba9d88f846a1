/**
 * Parses a duration such as `15m`, `90s`, `1h`, `500ms` or a bare number of minutes into milliseconds.
 * @example parseDuration('15m') // 900000
 */
export function parseDuration(text: string, what = 'duration'): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new RangeError(`${what}: cannot read "${text}" (use e.g. 90s, 15m, 1h)`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'm';
  const factor = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit]!;
  return Math.round(n * factor);
}

/** Formats milliseconds as a short human duration (`1h 05m`, `12.3s`). */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)}s`;
  const totalS = Math.round(ms / 1_000);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${String(s).padStart(2, '0')}s`;
}
