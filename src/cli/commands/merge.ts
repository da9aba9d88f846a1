import { copyFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { openDatabase } from '../../outputs/duckdb/open.ts';
import { mergeStreamFiles } from '../../outputs/duckdb/merge-stream-files.ts';
import { UsageError, parseCommandArgs, required, type Command } from '../command.ts';

const HELP = `Usage: citypulse merge --into FILE A.duckdb B.duckdb …

Merges the databases of several "citypulse stream" processes of one consumer group (each process
owns its DuckDB file) into one: per-partition partial rows are de-duplicated and summed, so the
merged presence equals a single-process run. Run it on stopped files or on copies (DuckDB lets a
file have one writer).

Every input is checked first (it exists, was written by stream, is not --into, is named once); the
merge is written beside --into and moved into place only when it succeeded, so a failure leaves
--into as it was. Files written by ingest hold final counts already and cannot be merged.

Options:
  --into FILE      the merged database (its pipeline tables are replaced; other tables are kept)
  -h, --help       this help
`;

/** The table only `stream` writes: per-partition partial rows, what `merge` sums. */
const STREAM_TABLE = 'presence_partials';

export const mergeCommand: Command = {
  name: 'merge',
  summary: 'merge the DuckDB files of several stream processes',
  help: HELP,
  async run(argv, ctx) {
    const args = parseCommandArgs(argv, { into: { type: 'string' } }, HELP, ctx, true);
    if (!args) return 0;
    const into = required(args.values, 'into');
    const inputs = args.positionals;
    if (inputs.length === 0) throw new UsageError('name the databases to merge');
    await checkInputs(into, inputs);
    const temp = `${into}.merging-${process.pid}`;
    rmSync(temp, { force: true });
    if (existsSync(into)) copyFileSync(into, temp);
    try {
      const db = await openDatabase(temp);
      let r;
      try {
        r = await mergeStreamFiles(db.connection, inputs);
      } finally {
        db.close();
      }
      renameSync(temp, into);
      ctx.stdout.write(`merged ${inputs.length} files → ${into}: ${r.presence} presence rows, ${r.deadLetters} dead letters, ${r.late} late events\n`);
      return 0;
    } finally {
      rmSync(temp, { force: true });
      rmSync(`${temp}.wal`, { force: true });
    }
  },
};

/** Refuses, before anything is written, inputs that cannot be merged; each error names the file. */
async function checkInputs(into: string, inputs: string[]): Promise<void> {
  const seen = new Map<string, string>();
  for (const file of inputs) {
    const abs = resolve(file);
    if (abs === resolve(into)) throw new UsageError(`--into ${into} is also an input; write the merge to a new file`);
    const again = seen.get(abs);
    if (again !== undefined) throw new UsageError(`${file} is named twice (as ${again} and ${file}); its rows would be counted twice`);
    seen.set(abs, file);
    let st;
    try {
      st = statSync(file);
    } catch {
      throw new UsageError(`${file}: no such file`);
    }
    if (!st.isFile()) throw new UsageError(`${file} is not a file`);
  }
  for (const file of inputs) {
    let db;
    try {
      db = await openDatabase(file, { readOnly: true, createSchema: false, h3: false });
    } catch (cause) {
      const message = (cause as Error).message;
      if (/lock/i.test(message)) throw new UsageError(`${file} is held by a running process (stop the stream or merge a copy)`);
      throw new UsageError(`${file} is not a DuckDB database citypulse can read: ${message.split('\n')[0]}`);
    }
    try {
      const r = await db.connection.runAndReadAll(`SELECT count(*)::INTEGER FROM duckdb_tables() WHERE table_name = '${STREAM_TABLE}'`);
      if ((r.getRowsJS()[0]![0] as number) === 0) {
        throw new UsageError(
          `${file} was not written by citypulse stream (it has no ${STREAM_TABLE} table): merge sums the per-partition rows of stream processes; ` +
            'a file written by ingest holds final counts already — query it directly, or ingest all inputs into one --db',
        );
      }
    } finally {
      db.close();
    }
  }
}
