import type { Scenario } from '../scenarios/scenario.ts';

/** The planted scenarios as pretty JSON (`truth/scenarios.json`), times as RFC 3339 UTC strings. */
export function scenariosJson(scenarios: readonly Scenario[]): string {
  const iso = (t: number) => new Date(t).toISOString();
  return (
    JSON.stringify(
      scenarios.map((s) => ({ ...s, start: iso(s.start), peakStart: iso(s.peakStart), peakEnd: iso(s.peakEnd), end: iso(s.end) })),
      null,
      2,
    ) + '\n'
  );
}
