import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDatabase } from '../../outputs/duckdb/open.ts';
import type { PopulationArgs } from '../flags/population-flags.ts';
import { readPopulationInput, type PopulationInput } from '../../population/duckdb/read-population-input.ts';
import { buildPopulation, type PopulationResult } from '../../population/export/build-population.ts';

/**
 * Opens the database read-only, reads the input, builds the population products and hands them to
 * `emit` (which writes one of them). RangeErrors name what is missing in the database.
 */
export async function runPopulationExport(
  a: PopulationArgs,
  emit: (result: PopulationResult, input: PopulationInput, conn: DuckDBConnection) => Promise<string>,
): Promise<string> {
  const db = await openDatabase(a.db, { readOnly: true });
  try {
    const input = await readPopulationInput(db.connection, a.space, a.from, a.to, { seenByDay: a.by === 'day' });
    const result = buildPopulation(input, { config: a.config, k: a.k, homeMcc: a.homeMcc, marketShare: a.marketShare, census: a.census, from: a.from, to: a.to, by: a.by, ...(a.cells ? { footprints: a.cells.footprints() } : {}) });
    mkdirSync(dirname(a.out), { recursive: true });
    const line = await emit(result, input, db.connection);
    const hm = result.homeMcc;
    const withHome = result.homeWork.filter((h) => h.home !== null).length;
    return line +
      `homes    ${withHome} of ${result.homeWork.length} devices with a home, ${result.homeWork.filter((h) => h.work !== null).length} with a work place (${a.config.timeZone})\n` +
      `mcc      ${hm === null ? 'no device carries an MCC: every device is domestic' : hm.source === 'config' ? `home MCC ${hm.mcc} (--home-mcc)` : `home MCC ${hm.mcc} (not configured: the MCC seen most in the input)`}\n`;
  } finally {
    db.close();
  }
}
