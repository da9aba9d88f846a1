import { wallTimeAt } from '../../core/zoned-time.ts';

const HOUR = 3_600_000;

/**
 * Tick instants for a time axis over [fromMs, toMs] at whole local hours in `timeZone`, about
 * `count` of them, with `HH:MM` labels (and the date when the range spans days).
 */
export function timeTicks(fromMs: number, toMs: number, timeZone: string, count = 6): { ms: number; label: string }[] {
  const span = Math.max(HOUR, toMs - fromMs);
  const stepH = [1, 2, 3, 4, 6, 12, 24, 48, 168].find((h) => span / (h * HOUR) <= count) ?? 336;
  const multiDay = span > 26 * HOUR;
  const out: { ms: number; label: string }[] = [];
  // Walk quarter hours (zones can be off UTC by :30 or :45) and keep local hours that are multiples of the step.
  const Q = HOUR / 4;
  for (let t = Math.ceil(fromMs / Q) * Q; t <= toMs; t += Q) {
    const w = wallTimeAt(t, timeZone);
    if (w.minute !== 0 || (w.hour + 24 * (stepH >= 24 ? w.day : 0)) % stepH !== 0) continue;
    const hm = `${String(w.hour).padStart(2, '0')}:00`;
    out.push({ ms: t, label: multiDay ? `${String(w.day).padStart(2, '0')}/${String(w.month).padStart(2, '0')} ${hm}` : hm });
  }
  return out;
}
