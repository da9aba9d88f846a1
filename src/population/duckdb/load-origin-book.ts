import type { DuckDBConnection } from '@duckdb/node-api';
import { homeZone } from '../engine/classify-population.ts';
import { detectHomeWork } from '../engine/detect-home-work.ts';
import type { OriginBook } from '../engine/origin-book.ts';
import type { ResolvedPopulationConfig } from '../engine/population-config.ts';
import { resolveHomeMcc } from '../engine/resolve-home-mcc.ts';
import { ZonedClock } from '../engine/zoned-clock.ts';
import { readPopulationInput, type PopulationSpace } from './read-population-input.ts';

/**
 * Fills `book` from what the database holds: home per device (the population rules over every stored
 * stay, i.e. what retention keeps) named in `space` — by default the first loaded zone system, else
 * H3 res-7 cells — and the home MCC (`homeMcc`, else the most seen in `device_mcc`). Without a stays
 * table the book stays empty (every domestic device is `unknown`). Returns the space used.
 */
export async function loadOriginBook(conn: DuckDBConnection, book: OriginBook, cfg: ResolvedPopulationConfig, opts: { space?: PopulationSpace; homeMcc?: string } = {}): Promise<PopulationSpace | null> {
  const has = async (t: string) => Number((await conn.runAndReadAll('SELECT count(*) FROM duckdb_tables() WHERE table_name = $t', { t })).getRowsJS()[0]![0]) > 0;
  if (!(await has('stays'))) return null;
  let space = opts.space;
  if (!space) {
    const z = (await has('zone_cells')) ? (await conn.runAndReadAll('SELECT min(zone_system) FROM zone_cells')).getRowsJS()[0]![0] : null;
    space = z === null || z === undefined ? { res: 7 } : { zones: String(z) };
  }
  const input = await readPopulationInput(conn, space, undefined, undefined, { seen: false }); // homes and MCCs only
  const first = Math.min(...input.stays.map((s) => s.start)), last = Math.max(...input.stays.map((s) => s.end));
  const nights = input.stays.length > 0 ? Math.round((last - first) / 86_400_000) : 0;
  book.homes.clear();
  for (const h of detectHomeWork(input.stays, cfg, new ZonedClock(cfg.timeZone), nights)) {
    const z = homeZone(h, input);
    if (z !== null) book.homes.set(h.device, z);
  }
  book.mcc.clear();
  for (const [d, m] of input.mcc) book.mcc.set(d, m);
  book.homeMcc = resolveHomeMcc(opts.homeMcc, input.mcc)?.mcc ?? null;
  return space;
}
