import { UserInputError } from './citypulse-error.ts';

/** The units a duration may carry, with their length in milliseconds. */
export const DURATION_UNITS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Parses a duration with its unit — `500ms`, `90s`, `15m`, `1h`, `2d` — into milliseconds. A bare number
 * is refused: `10` could mean seconds or minutes, and once meant minutes here (a run that looked hung
 * for ten minutes). `what` names the flag or field in the error.
 * @example parseDuration('15m') // 900000
 * @throws UserInputError naming `what`, for a bare number or an unreadable text.
 */
export function parseDuration(text: string, what = 'duration'): number {
  const t = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(t)) throw new UserInputError(`${what}: "${text}" has no unit; write e.g. ${t}s, ${t}m or ${t}h (units: ms, s, m, h, d)`, { field: what });
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(t);
  if (!m) throw new UserInputError(`${what}: cannot read "${text}" as a duration (use e.g. 500ms, 90s, 15m, 1h, 2d)`, { field: what });
  return Math.round(Number(m[1]) * DURATION_UNITS[m[2] as keyof typeof DURATION_UNITS]);
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
