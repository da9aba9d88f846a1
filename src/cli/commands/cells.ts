import { basename } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { CellTable } from '../../locate/cell-table.ts';
import { recordOperation } from '../flags/ledger-flags.ts';
import { openDatabase } from '../../outputs/duckdb/open.ts';
import { storeCellTable } from '../../outputs/duckdb/store-cell-table.ts';
import { baseResolution } from '../base-resolution.ts';
import { UsageError, parseCommandArgs, required, type Command, type CommandContext, dispatchSubcommand } from '../command.ts';

const HELP = `Usage: citypulse cells load FILE.csv --db FILE [--res R]

Stores the operator's cell table (the CSV ingest reads, see schemas/cell-table.md) in table
cells(cell_id, lat, lon, h3, valid_from, valid_to), replacing its contents, so SQL can name the antenna
cells behind an H3 cell — sql/dq_silent_cells.sql lists the antennas of hexagons that went silent and
skips hexagons whose antennas were all retired.

Options:
  --db FILE              DuckDB file (created if missing; needs the writer lock: not while a stream runs)
  --res R                H3 resolution of the h3 column (default: the base resolution of the stored
                         presence, else 9)
  -h, --help             this help

Example:
  citypulse cells load data/cells.csv --db out/demo/citypulse.duckdb
`;

export const cellsCommand: Command = {
  name: 'cells',
  summary: 'load the cell table into DuckDB (antenna cells → H3, for data-quality queries)',
  help: HELP,
  async run(argv, ctx) {
    return dispatchSubcommand('cells', argv, ctx, HELP, { load });
  },
};

async function load(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(argv, { db: { type: 'string' }, res: { type: 'string' } }, HELP, ctx, true);
  if (!args) return 0;
  if (args.positionals.length !== 1) throw new UsageError('cells load takes one CSV file');
  const file = args.positionals[0]!;
  const dbPath = required(args.values, 'db');
  if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
  const text = readFileSync(file, 'utf8');
  const db = await openDatabase(dbPath);
  try {
    const res = await baseResolution(db.connection, args.values.res);
    const table = CellTable.fromCsv(text, res);
    const n = await storeCellTable(db.connection, table);
    ctx.stdout.write(`cells    ${table.size} cells (${n} versions) of ${file} → table cells in ${dbPath}, H3 res ${res}\n`);
    await recordOperation(db.connection, ctx, 'cells_loaded', { file: basename(file), cells: table.size, versions: n, res });
    return 0;
  } finally {
    db.close();
  }
}
