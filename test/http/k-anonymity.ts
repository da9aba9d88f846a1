import { expect } from 'vitest';

/** Keys whose numbers count people in one (window, place): null (suppressed) or at least k. */
const PER_CELL = new Set(['present', 'peak_present', 'mean_present']);
/** Sums over shown cells, and alert counts: 0 (nothing shown), null (withheld) or at least k. */
const SUMS = new Set(['devices', 'max_present', 'people']);

/**
 * Walks a JSON response and checks that no count of people in it is below k. Returns how many counts
 * it checked, so a test can assert that it looked at something.
 */
export function expectKAnonymous(json: unknown, k: number): number {
  let checked = 0;
  const walk = (v: unknown, key?: string) => {
    if (Array.isArray(v)) return v.forEach((x) => walk(x, key));
    if (v !== null && typeof v === 'object') return Object.entries(v).forEach(([k2, x]) => walk(x, k2));
    if (key === undefined || typeof v !== 'number') return;
    if (PER_CELL.has(key)) {
      checked++;
      expect(v, `${key} = ${v} is below k = ${k}`).toBeGreaterThanOrEqual(k);
    } else if (SUMS.has(key)) {
      checked++;
      if (v !== 0) expect(v, `${key} = ${v} is below k = ${k}`).toBeGreaterThanOrEqual(k);
    }
  };
  walk(json);
  return checked;
}

/** The same for the heatmap CSV: every `present` at least k. Returns the rows checked. */
export function expectCsvKAnonymous(csv: string, k: number): number {
  const [header, ...lines] = csv.trimEnd().split('\n');
  const col = header!.split(',').indexOf('present');
  expect(col).toBeGreaterThanOrEqual(0);
  for (const line of lines) expect(Number(line.split(',')[col])).toBeGreaterThanOrEqual(k);
  return lines.length;
}
