import { readFileSync } from 'node:fs';
import type { CellTable } from '../../locate/cell-table.ts';
import { loadCells } from './pipeline-flags.ts';
import { UsageError } from '../command.ts';
import { parseTimeArg } from '../time-arg.ts';
import { DEFAULT_K } from '../../outputs/export/k-anonymity.ts';
import { resolvePopulationConfig, type ResolvedPopulationConfig } from '../../population/engine/population-config.ts';
import type { PopulationSpace } from '../../population/duckdb/read-population-input.ts';
import { POPULATION_FORMATS, type PopulationFormat } from '../../population/export/write-rows.ts';

/** Flags shared by `export population` and `export origins`. */
export const POPULATION_FLAGS = {
  db: { type: 'string' },
  zones: { type: 'string' },
  res: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  by: { type: 'string', default: 'period' },
  k: { type: 'string', default: String(DEFAULT_K) },
  'time-zone': { type: 'string', default: 'UTC' },
  'home-mcc': { type: 'string' },
  'market-share': { type: 'string', default: '1' },
  census: { type: 'string' },
  cells: { type: 'string' },
  'min-nights': { type: 'string' },
  'min-work-days': { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
} as const;

/** Help text of {@link POPULATION_FLAGS}. */
export const POPULATION_FLAGS_HELP = `  --db FILE              DuckDB file written by ingest/stream with the trajectory layer (read-only)
  --zones NAME           zone system (as loaded with \`citypulse zones load --name NAME\`)
  --res R                H3 resolution, ≤ 8 (the stay resolution)
  --from T, --to T       period [from, to) (RFC 3339 or epoch ms; default: all stays)
  --by period|day        period (default): one row per zone; day: one row per local day and zone (column
                         day first), home and work still from the whole period, each day released on its
                         own (docs/population.md, "Per day")
  --k K                  release threshold, ≥ 2 (default ${DEFAULT_K}); a zone with any label in [1, k) is dropped whole
  --time-zone TZ         IANA zone in which nights (22–07) and weekday daytime (09–17) are read (default UTC)
  --home-mcc MCC         the network's MCC (default: the MCC of most devices, and the run says so)
  --market-share S       operator's share of the population in (0, 1] (default 1): expansion 1/S
  --census FILE          CSV zone,population: expansion = population ÷ detected residents per zone
  --cells FILE           the cell table the database was ingested with (CSV, as for ingest): residents,
                         workers and visitors' origins are then shared among the zones of the area each
                         cell-seen home or work place stands for (expected counts; docs/population.md,
                         "Footprints")
  --min-nights N         distinct nights needed for a home (default 3)
  --min-work-days N      distinct weekdays needed for a work place (default 3)
  --format F             csv | parquet | geojson (default: from the --out extension, else csv)
  --out PATH             output file
  -h, --help             this help`;

/** The parsed shared flags. */
export interface PopulationArgs {
  db: string;
  out: string;
  format: PopulationFormat;
  space: PopulationSpace;
  from: number | undefined;
  to: number | undefined;
  k: number;
  config: ResolvedPopulationConfig;
  homeMcc: string | undefined;
  marketShare: number;
  census: Map<string, number> | null;
  /** The cell table (`--cells`), for footprints; null without it. */
  cells: CellTable | null;
  /** `--by`: one count over the period, or one per local day. */
  by: 'period' | 'day';
}

/** Checks the shared flags, naming the bad one. */
export function populationArgs(v: Record<string, string | undefined>): PopulationArgs {
  const req = (f: string) => {
    const x = v[f];
    if (x === undefined || x === '') throw new UsageError(`--${f} is required`);
    return x;
  };
  const db = req('db'), out = req('out');
  if ((v.zones === undefined) === (v.res === undefined)) throw new UsageError('give exactly one of --zones NAME or --res R');
  const format = (v.format ?? (out.endsWith('.parquet') ? 'parquet' : out.endsWith('.geojson') ? 'geojson' : 'csv')) as PopulationFormat;
  if (!POPULATION_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${POPULATION_FORMATS.join(', ')}, got ${v.format}`);
  let space: PopulationSpace;
  if (v.res !== undefined) {
    const res = Number(v.res);
    if (!Number.isInteger(res) || res < 0 || res > 8) throw new UsageError(`--res must be an integer in [0, 8] (stays are snapped to res 8), got ${v.res}`);
    space = { res };
  } else space = { zones: v.zones! };
  const k = Number(v.k);
  if (!Number.isInteger(k) || k < 2) throw new UsageError(`--k must be an integer ≥ 2, got ${v.k}`);
  const marketShare = Number(v['market-share']);
  if (!(marketShare > 0 && marketShare <= 1)) throw new UsageError(`--market-share must be a number in (0, 1], got ${v['market-share']}`);
  const int = (f: string) => {
    if (v[f] === undefined) return undefined;
    const n = Number(v[f]);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${f} must be an integer ≥ 1, got ${v[f]}`);
    return n;
  };
  let config: ResolvedPopulationConfig;
  try {
    config = resolvePopulationConfig({ timeZone: v['time-zone'], minHomeNights: int('min-nights'), minWorkDays: int('min-work-days') });
  } catch (err) {
    throw new UsageError(`--time-zone: ${(err as Error).message}`);
  }
  const by = v.by ?? 'period';
  if (by !== 'period' && by !== 'day') throw new UsageError(`--by must be period or day, got ${by}`);
  const homeMcc = v['home-mcc'];
  if (homeMcc !== undefined && !/^\d{3}$/.test(homeMcc)) throw new UsageError(`--home-mcc must be 3 digits, got ${homeMcc}`);
  return {
    db, out, format, space, k, config, homeMcc, marketShare, by,
    from: parseTimeArg(v.from, '--from'), to: parseTimeArg(v.to, '--to'),
    census: v.census === undefined ? null : readCensus(v.census),
    cells: v.cells === undefined ? null : loadCells(v.cells, 9),
  };
}

function readCensus(path: string): Map<string, number> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new UsageError(`--census ${path}: cannot read the file`, { cause });
  }
  const m = new Map<string, number>();
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  for (const [i, line] of lines.entries()) {
    const [zone, pop] = line.split(',');
    if (i === 0 && isNaN(Number(pop))) continue;
    const n = Number(pop);
    if (zone === undefined || !Number.isFinite(n) || n < 0) throw new UsageError(`--census ${path}: line ${i + 1} is not zone,population`);
    m.set(zone.trim(), n);
  }
  return m;
}
