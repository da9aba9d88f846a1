import { POPULATION_FLAGS, POPULATION_FLAGS_HELP, populationArgs } from '../flags/population-flags.ts';
import { runPopulationExport } from './run-population-export.ts';
import { writeRows } from '../../population/export/write-rows.ts';
import type { PopulationRow } from '../../population/export/build-population.ts';
import { UsageError, parseCommandArgs, type CommandContext } from '../command.ts';

/** `--help` of `citypulse export population`. */
export const EXPORT_POPULATION_HELP = `Usage: citypulse export population --db FILE (--zones NAME | --res R) --format F --out PATH [options]

Who lives, works and visits each zone over a period (docs/population.md): home = the stay place with
the most distinct nights, work = the most frequent weekday-daytime place away from home (each with
minimum evidence); residents (home there, never roamers), workers (work there, home elsewhere), day
and overnight domestic visitors, inbound roamers (foreign MCC), people in transit (seen there, no
stay there; from device_cells, written by ingest/stream; released on its own, empty when in [1, k)),
served population, and their expanded
counterparts (census ÷ residents per zone, else 1 ÷ market share). k-safe: a zone with any label in
[1, k) is dropped whole, never leaked by difference (FlowKit ADR 0011).

Options:
${POPULATION_FLAGS_HELP}

Per day (--by day): the day's residents and workers are those with a stay at their home / work place
that day, visitors those with a stay in the zone that day; home and work come from the whole period.

Columns: [day,] zone, residents, workers, visitors, day_visitors, overnight_visitors, roamers, transit, served,
factor, residents_expanded, workers_expanded, visitors_expanded, served_expanded. GeoJSON: the same
properties on the zone's polygon (H3 cell boundary with --res).

Example:
  citypulse export population --db out/demo/citypulse.duckdb --zones demo --k 5 --out out/demo/population.csv
`;

const COLUMNS = ['zone', 'residents', 'workers', 'visitors', 'day_visitors', 'overnight_visitors', 'roamers', 'transit', 'served',
  'factor', 'residents_expanded', 'workers_expanded', 'visitors_expanded', 'served_expanded'] as const;

/** Runs `citypulse export population`. */
export async function exportPopulation(rest: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(rest, POPULATION_FLAGS, EXPORT_POPULATION_HELP, ctx);
  if (!args) return 0;
  const a = populationArgs(args.values as unknown as Record<string, string | undefined>);
  try {
    ctx.stdout.write(await runPopulationExport(a, async (r, input, conn) => {
      const row = (z: PopulationRow) => ({
        zone: z.zone, residents: z.residents, workers: z.workers, visitors: z.visitors, day_visitors: z.dayVisitors,
        overnight_visitors: z.overnightVisitors, roamers: z.roamers, transit: z.transit ?? '', served: z.served, factor: z.factor,
        residents_expanded: z.residentsExpanded, workers_expanded: z.workersExpanded, visitors_expanded: z.visitorsExpanded, served_expanded: z.servedExpanded,
      });
      if (r.days) {
        const rows = r.days.flatMap((d) => d.released.map((z) => ({ day: d.day, ...row(z) })));
        await writeRows(['day', ...COLUMNS], rows, a.format, a.out, conn, input.geometry);
        const dropped = r.days.reduce((n, d) => n + d.suppressedZones.length, 0);
        return `population ${rows.length} rows (${r.days.length} days × zones) → ${a.out} (${a.format}); ${dropped} zone-days dropped whole (a label in [1, ${a.k}))\n`;
      }
      const rows = r.released.map(row);
      await writeRows(COLUMNS, rows, a.format, a.out, conn, input.geometry);
      return `population ${rows.length} zones → ${a.out} (${a.format}); ${r.suppressedZones.length} zones dropped whole (a label in [1, ${a.k}))\n`;
    }));
    return 0;
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(`${a.db}: ${err.message}`);
    throw err;
  }
}
