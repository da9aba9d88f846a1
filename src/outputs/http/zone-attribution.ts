/** The attribution the Milan NIL districts' licence asks for. */
export const MILAN_NIL_ATTRIBUTION = 'Contains open data of the Comune di Milano (NIL districts, PGT Milano 2030)';

/**
 * The attribution line to show with a zone system, by its name: systems named like Milan or NIL
 * (`milan_nil`, `nil`, `Milano`) are the Comune di Milano's open data; others need none we know of.
 */
export function zoneAttribution(zoneSystem: string): string | undefined {
  return /milan|(?:^|[^a-z])nil(?:[^a-z]|$)/i.test(zoneSystem) ? MILAN_NIL_ATTRIBUTION : undefined;
}
