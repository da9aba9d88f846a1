import type { AlertLevel, AlertState } from '../../../schemas/alert.ts';
import { levelAt, levelRank } from './level-thresholds.ts';
import type { HysteresisConfig } from './alert-engine-config.ts';
import type { KindMeasure } from './kind-rules.ts';

/** An open incident of one kind in one area (plain data, part of the engine snapshot). */
export interface IncidentState {
  alertId: string;
  /** Start of the window that opened it. */
  openedWindowStart: number;
  level: AlertLevel;
  peakLevel: AlertLevel;
  /** seq of the last event emitted. */
  seq: number;
  /** Consecutive windows under the hold line of `level`. */
  below: number;
}

/** A lifecycle event: what changed in one window, and the incident as of that event. */
export interface IncidentTransition {
  state: AlertState;
  level: AlertLevel;
  previousLevel: AlertLevel | null;
  /** The incident with `seq` of this event (on `resolved`, the state it had, seq + 1). */
  incident: IncidentState;
}

/**
 * One window of the incident lifecycle, with hysteresis:
 *
 * - no incident: opens at the highest level whose threshold the measure reaches;
 * - a higher level reached: escalates at once;
 * - the measure under `threshold(level) × (1 − margin)` for `windows` consecutive windows:
 *   de-escalates to the level whose hold line it is still above, or resolves when there is none.
 *
 * Levels at or under `measure.floor` do not count. `open` makes the new state from the alert id.
 */
export function stepIncident(
  cur: IncidentState | undefined,
  m: KindMeasure,
  h: HysteresisConfig,
  open: () => { alertId: string; openedWindowStart: number },
): { next: IncidentState | undefined; transition: IncidentTransition | null } {
  const floor = levelRank(m.floor);
  const cut = (l: AlertLevel | null) => (levelRank(l) > floor ? l : null);
  const enter = cut(levelAt(m.value, m.thresholds));
  if (!cur) {
    if (enter === null) return { next: undefined, transition: null };
    const next: IncidentState = { ...open(), level: enter, peakLevel: enter, seq: 0, below: 0 };
    return { next, transition: { state: 'open', level: enter, previousLevel: null, incident: next } };
  }
  if (levelRank(enter) > levelRank(cur.level)) {
    const peak = levelRank(enter) > levelRank(cur.peakLevel) ? enter! : cur.peakLevel;
    const next: IncidentState = { ...cur, level: enter!, peakLevel: peak, seq: cur.seq + 1, below: 0 };
    return { next, transition: { state: 'escalated', level: enter!, previousLevel: cur.level, incident: next } };
  }
  const hold = cut(levelAt(m.value, m.thresholds, 1 - h.margin));
  if (levelRank(hold) >= levelRank(cur.level)) return { next: cur.below === 0 ? cur : { ...cur, below: 0 }, transition: null };
  const below = cur.below + 1;
  if (below < h.windows) return { next: { ...cur, below }, transition: null };
  if (hold === null) {
    const last: IncidentState = { ...cur, seq: cur.seq + 1, below };
    return { next: undefined, transition: { state: 'resolved', level: cur.level, previousLevel: cur.level, incident: last } };
  }
  const next: IncidentState = { ...cur, level: hold, seq: cur.seq + 1, below: 0 };
  return { next, transition: { state: 'de-escalated', level: hold, previousLevel: cur.level, incident: next } };
}
