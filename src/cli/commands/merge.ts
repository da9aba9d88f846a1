import { openDatabase } from '../../outputs/duckdb/open.ts';
import { mergeStreamFiles } from '../../outputs/duckdb/merge-stream-files.ts';
import { UsageError, parseCommandArgs, required, type Command } from '../command.ts';

const HELP = `Usage: citypulse merge --into FILE A.duckdb B.duckdb …

Merges the databases of several "citypulse stream" processes of one consumer group (each process
owns its DuckDB file) into one: per-partition partial rows are de-duplicated and summed, so the
merged presence equals a single-process run. Run it on stopped files or on copies (DuckDB lets a
file have one writer).

Options:
  --into FILE      the merged database (its pipeline tables are replaced)
  -h, --help       this help
`;

export const mergeCommand: Command = {
  name: 'merge',
  summary: 'merge the DuckDB files of several stream processes',
  help: HELP,
  async run(argv, ctx) {
    const args = parseCommandArgs(argv, { into: { type: 'string' } }, HELP, ctx, true);
    if (!args) return 0;
    const into = required(args.values, 'into');
    if (args.positionals.length === 0) throw new UsageError('name the databases to merge');
    const db = await openDatabase(into);
    try {
      const r = await mergeStreamFiles(db.connection, args.positionals);
      ctx.stdout.write(`merged ${args.positionals.length} files → ${into}: ${r.presence} presence rows, ${r.deadLetters} dead letters, ${r.late} late events\n`);
      return 0;
    } finally {
      db.close();
    }
  },
};
