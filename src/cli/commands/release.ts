import { existsSync } from 'node:fs';
import { openDatabase } from '../../outputs/duckdb/open.ts';
import { DEFAULT_K } from '../../outputs/export/k-anonymity.ts';
import { readBudget } from '../../privacy/duckdb/privacy-budget.ts';
import { releaseDatabase } from '../../privacy/duckdb/release-database.ts';
import { SECONDARY_STRATEGIES, type SecondaryStrategy } from '../../privacy/release/build-release.ts';
import { UsageError, parseCommandArgs, required, type Command } from '../command.ts';
import { parseTimeArg } from '../time-arg.ts';

const HELP = `Usage: citypulse release --db RAW.duckdb --out ANALYST.duckdb [options]
       citypulse release --budget --db RAW.duckdb

Writes the analyst database: only released tables, built from ONE differencing-safe release per
window (see docs/privacy.md). Every released figure — a hexagon at any resolution, a zone of any zone
system, a named query — is a sum of whole release elements of at least k people, so no released total
minus released parts reveals 1..k−1 people. Analysts, notebooks and the API read this database; the raw
one stays with the operator.

Tables written: release_elements, release_element_zones, release_heatmap (res base…top),
release_zone_totals, release_meta, release_cost (share of people withheld per resolution and zone
system), and the reference tables zones, zone_cells, cells.

Options:
  --db FILE              the raw pipeline database (read-only, except --dp-epsilon records its budget there)
  --out FILE             the analyst database to write (replaced atomically; must differ from --db)
  --k N                  k of the release, ≥ 2 (default ${DEFAULT_K})
  --from T / --to T      window starts in [from, to) (RFC 3339 or epoch ms; default: all)
  --strategy S           secondary suppression: pass-up (default) | merge
  --top-res R            coarsest resolution at which remainders are pooled (default 5)
  --dp-epsilon E         differential-privacy mode: ε per window, discrete Laplace noise on every cell
                         of the cell table; ε spent per day recorded in the raw database's privacy_budget
  --parquet DIR          also write release_heatmap, release_zone_totals, release_meta as Parquet
  --budget               print the ε spent per day (privacy_budget of --db) and exit
  -h, --help             this help

Example:
  citypulse release --db out/demo/citypulse.duckdb --out out/demo/analyst.duckdb
  citypulse sql run heatmap --db out/demo/analyst.duckdb --param res=8
`;

export const releaseCommand: Command = {
  name: 'release',
  summary: 'write the analyst database: differencing-safe released tables only (k, optional DP)',
  help: HELP,
  async run(argv, ctx) {
    const args = parseCommandArgs(
      argv,
      {
        db: { type: 'string' },
        out: { type: 'string' },
        k: { type: 'string', default: String(DEFAULT_K) },
        from: { type: 'string' },
        to: { type: 'string' },
        strategy: { type: 'string', default: 'pass-up' },
        'top-res': { type: 'string', default: '5' },
        'dp-epsilon': { type: 'string' },
        parquet: { type: 'string' },
        budget: { type: 'boolean' },
      },
      HELP,
      ctx,
    );
    if (!args) return 0;
    const v = args.values;
    const db = required(v, 'db');
    if (!existsSync(db)) throw new UsageError(`--db ${db}: no such file`);
    if (v.budget) {
      const conn = await openDatabase(db, { readOnly: true, createSchema: false });
      try {
        const rows = await readBudget(conn.connection);
        if (rows.length === 0) ctx.stdout.write('no differentially private release recorded in this database\n');
        for (const r of rows) ctx.stdout.write(`${r.day}  ε spent ${r.epsilon.toFixed(3)} over ${r.windows} windows in ${r.releases} releases\n`);
      } finally {
        conn.close();
      }
      return 0;
    }
    const out = required(v, 'out');
    const k = Number(v.k);
    if (!Number.isInteger(k) || k < 2) throw new UsageError(`--k must be an integer ≥ 2, got ${v.k}`);
    const strategy = v.strategy as SecondaryStrategy;
    if (!SECONDARY_STRATEGIES.includes(strategy)) throw new UsageError(`--strategy must be one of ${SECONDARY_STRATEGIES.join(', ')}, got ${v.strategy}`);
    const topRes = Number(v['top-res']);
    if (!Number.isInteger(topRes) || topRes < 0 || topRes > 15) throw new UsageError(`--top-res must be an integer 0..15, got ${v['top-res']}`);
    const dpEpsilon = v['dp-epsilon'] === undefined ? undefined : Number(v['dp-epsilon']);
    if (dpEpsilon !== undefined && !(dpEpsilon > 0 && Number.isFinite(dpEpsilon))) throw new UsageError(`--dp-epsilon must be a positive number, got ${v['dp-epsilon']}`);
    const summary = await releaseDatabase({ raw: db, out, k, strategy, topRes, from: parseTimeArg(v.from, '--from'), to: parseTimeArg(v.to, '--to'), dpEpsilon, parquetDir: v.parquet });
    const pct = summary.people === 0 ? 0 : (100 * summary.withheld) / summary.people;
    ctx.stdout.write(
      `release  ${summary.windows} windows, ${summary.elements} elements of ≥ ${k} people → ${out}${dpEpsilon === undefined ? '' : ` (DP, ε ${dpEpsilon} per window)`}\n` +
        `withheld ${summary.withheld} of ${summary.people} device-presences at every level (${pct.toFixed(2)}%)\n` +
        summary.cost.map((c) => `cost     ${c.unit.padEnd(24)} ${c.withheldPct.toFixed(2).padStart(6)}% withheld (${c.people - c.released} of ${c.people})\n`).join(''),
    );
    return 0;
  },
};
