import type { AlertEvent } from './alert-event.ts';

/**
 * One deterministic human-readable line for an event (no locale, UTC times).
 * @example "San Siro: capacity warning (escalated from notice) — 41,200 people, 82% of 50,000"
 */
export function alertMessage(e: Omit<AlertEvent, 'message'>): string {
  const head =
    e.state === 'open'
      ? `${e.areaName}: ${e.kind} ${e.level}`
      : e.state === 'resolved'
        ? `${e.areaName}: ${e.kind} ${e.peakLevel === e.level ? e.level : `${e.level} (peak ${e.peakLevel})`} resolved`
        : `${e.areaName}: ${e.kind} ${e.level} (${e.state} from ${e.previousLevel})`;
  const occ = `${fmtInt(e.people)} people, ${Math.round(e.occupancy * 100)}% of ${fmtInt(e.capacity)}`;
  const detail: Record<AlertEvent['kind'], () => string> = {
    capacity: () => occ,
    density: () => `${fmtInt(Math.round(e.densityPerKm2))} people/km² (${e.level} at ${fmtInt(Math.round(e.threshold))}) — ${occ}`,
    anomaly: () =>
      e.baselinePeople === null
        ? occ
        : `${fmtInt(e.people)} people, usually ${fmtInt(Math.round(e.baselinePeople))}${e.zScore === null ? '' : ` (z ${e.zScore.toFixed(1)})`}`,
    forecast: () =>
      e.forecastPeople === null || e.forecastAt === null
        ? occ
        : `${occ}; trend ${fmtInt(e.forecastPeople)} by ${hhmm(e.forecastAt)} (${e.level} at ${fmtInt(Math.round(e.threshold))})`,
  };
  return `${head} — ${detail[e.kind]()}`;
}

/** 41200 → "41,200". */
export function fmtInt(n: number): string {
  const s = String(Math.round(n));
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function hhmm(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16) + 'Z';
}
