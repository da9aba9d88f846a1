import type { IncidentSpec } from './incident-spec.ts';

/**
 * Parses the simulator's `--incident` value: `[D/]HH:MM[+MINUTES][@EDGE]` — day (0-based, default 0),
 * start time, duration in minutes (default 60) and edge id (default: the busiest radial or ring edge).
 * `on` plants the default incident (day 0, 08:00, 60 min). Throws a RangeError naming what is wrong.
 *
 * @example
 * parseIncident('1/17:30+45@radial-2-in-3'); // { day: 1, startMin: 1050, durationMin: 45, edge: 'radial-2-in-3' }
 */
export function parseIncident(text: string): IncidentSpec {
  if (text === 'on') return {};
  const m = /^(?:(\d+)\/)?(\d{1,2}):(\d{2})(?:\+(\d+))?(?:@([\w.-]+))?$/.exec(text);
  if (!m) throw new RangeError(`expected [DAY/]HH:MM[+MINUTES][@EDGE] or on, got ${text}`);
  const h = Number(m[2]), min = Number(m[3]);
  if (h > 23 || min > 59) throw new RangeError(`bad time of day ${m[2]}:${m[3]}`);
  const spec: IncidentSpec = { startMin: h * 60 + min };
  if (m[1] !== undefined) spec.day = Number(m[1]);
  if (m[4] !== undefined) spec.durationMin = Number(m[4]);
  if (m[5] !== undefined) spec.edge = m[5];
  return spec;
}
