import type { OriginCount } from '../../population/engine/origin-count.ts';
import { POPULATION_FLAGS, POPULATION_FLAGS_HELP, populationArgs } from '../flags/population-flags.ts';
import { runPopulationExport } from './run-population-export.ts';
import { writeRows } from '../../population/export/write-rows.ts';
import { UsageError, parseCommandArgs, type CommandContext } from '../command.ts';

/** `--help` of `citypulse export origins`. */
export const EXPORT_ORIGINS_HELP = `Usage: citypulse export origins --db FILE (--zones NAME | --res R) --format F --out PATH [options]

Where each zone's visitors come from (docs/population.md): origin = the visitor's home zone in the
same zone system, the ISO 3166-1 alpha-2 country of an inbound roamer (from its MCC, ITU-T E.212),
or \`unknown\` for a domestic device with no home inside the zone system. Visitors are devices with a
stay in the zone and neither home nor work there. k-safe: origins below k are pooled into \`other\`;
a zone whose pool is in [1, k) is dropped whole (FlowKit ADR 0011).

Options:
${POPULATION_FLAGS_HELP}

Columns: [day,] zone, origin, visitors, visitors_expanded (with the zone's expansion factor; day with
--by day, each day released on its own). GeoJSON: one feature per row on the zone's polygon.

Example:
  citypulse export origins --db out/demo/citypulse.duckdb --zones demo --k 5 --out out/demo/origins.csv
`;

/** Runs `citypulse export origins`. */
export async function exportOrigins(rest: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(rest, POPULATION_FLAGS, EXPORT_ORIGINS_HELP, ctx);
  if (!args) return 0;
  const a = populationArgs(args.values as unknown as Record<string, string | undefined>);
  try {
    ctx.stdout.write(await runPopulationExport(a, async (r, input, conn) => {
      const expand = (o: OriginCount) => ({ ...o, visitors_expanded: Math.round(o.visitors * r.factor(o.zone) * 10) / 10 });
      if (r.days) {
        const rows = r.days.flatMap((d) => d.releasedOrigins.map((o) => ({ day: d.day, ...expand(o) })));
        await writeRows(['day', 'zone', 'origin', 'visitors', 'visitors_expanded'], rows, a.format, a.out, conn, input.geometry);
        const dropped = r.days.reduce((n, d) => n + d.suppressedOriginZones.length, 0);
        return `origins  ${rows.length} rows over ${r.days.length} days → ${a.out} (${a.format}); ${dropped} zone-days dropped whole (pool of small origins in [1, ${a.k}))\n`;
      }
      const rows = r.releasedOrigins.map(expand);
      await writeRows(['zone', 'origin', 'visitors', 'visitors_expanded'], rows, a.format, a.out, conn, input.geometry);
      return `origins  ${rows.length} rows over ${new Set(rows.map((o) => o.zone)).size} zones → ${a.out} (${a.format}); ${r.suppressedOriginZones.length} zones dropped whole (pool of small origins in [1, ${a.k}))\n`;
    }));
    return 0;
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(`${a.db}: ${err.message}`);
    throw err;
  }
}
