import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensureAnalystTables } from '../../outputs/duckdb/ensure-analyst-tables.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DEFAULT_K } from '../../outputs/export/k-anonymity.ts';
import { ensureRelease } from '../../privacy/duckdb/ensure-release.ts';
import { checkReadOnlySql } from '../../sql/check-read-only-sql.ts';
import { DEFAULT_SQL_DIR } from '../../sql/default-sql-dir.ts';
import { openAnalystDatabase } from '../../sql/open-analyst-database.ts';
import { formatResult, listQueries, loadQuery, parseQuery, RESULT_FORMATS, runQuery, writeParquet, type NamedQuery, type QueryInfo, type ResultFormat } from '../../sql/index.ts';
import { UsageError, logOf, parseCommandArgs, type Command, type CommandContext, dispatchSubcommand } from '../command.ts';

const FORMATS = [...RESULT_FORMATS, 'parquet'] as const;
type Format = (typeof FORMATS)[number];

const HELP = `Usage: citypulse sql list [--dir DIR]
       citypulse sql run NAME|FILE|- [--param key=value …] [--db FILE] [--format F] [--out PATH]

Runs the named, parameterised queries of sql/ — the same files jobs and notebooks run. Each file
declares its parameters in its header (-- param: name TYPE = default); values are bound as DuckDB
parameters and cast to the declared type, never pasted into the SQL. Queries that output counts of
people apply k-anonymity (param k, default 20, never below 2).

sql list                 every query: name, purpose, parameters with their defaults
sql run NAME|FILE|-      run a query by name (sql/NAME.sql), by path, or read SQL from stdin (-)

Options of run:
  --param key=value      a parameter (repeat for each); unknown or missing ones are errors
  --db FILE              the analyst database (citypulse release), or a raw one written by ingest/
                         stream; opened read-only and sandboxed: no SQL writes, attaches, loads or
                         reads a file outside --allow, and no SET changes that (other readers may
                         share it; while a stream holds it, query a copy or the Parquet lake —
                         see docs/lake.md). Required for a query that reads the pipeline's or the
                         analyst tables (every query of sql/); without it, SQL runs in an empty
                         in-memory database (h3_* functions only)
  --format F             table (default) | csv | json | parquet
                         json: an array of row objects; 64-bit integers exact; timestamps ISO 8601
  --out PATH             write to a file (required for parquet) instead of stdout
  --dir DIR              query folder (default: the repository's sql/)
  --allow DIR            a folder SQL may read files from, e.g. the Parquet lake (repeat for more);
                         nothing else is readable, and nothing is writable
  --raw                  operators only: run your own SQL against a RAW database (presence, dead
                         letters …); says so on stderr. Without it, a raw database answers only the
                         library's queries, which read the release (docs/privacy.md)
  -h, --help             this help

Examples:
  citypulse sql list
  citypulse sql run heatmap --db out/demo/citypulse.duckdb --param res=8 --param k=20 --format csv
  citypulse sql run zone_totals --db out/demo/citypulse.duckdb --param zone_system=milan_nil --format json
  echo "SELECT res, sum(present) FROM release_heatmap GROUP BY res" | citypulse sql run - --db out/demo/analyst.duckdb
  echo "SELECT count(*) AS n FROM presence" | citypulse sql run - --db out/demo/citypulse.duckdb --raw
`;

export const sqlCommand: Command = {
  name: 'sql',
  summary: 'list and run the named, parameterised queries of sql/ (table, CSV, JSON, Parquet)',
  help: HELP,
  async run(argv, ctx) {
    return dispatchSubcommand('sql', argv, ctx, HELP, { list, run });
  },
};

function list(argv: string[], ctx: CommandContext): number {
  const args = parseCommandArgs(argv, { dir: { type: 'string' } }, HELP, ctx);
  if (!args) return 0;
  const queries = listQueries(args.values.dir);
  const out: string[] = [];
  for (const q of queries) out.push(describe(q));
  ctx.stdout.write(out.join('\n'));
  return 0;
}

function describe(q: QueryInfo): string {
  const width = Math.max(0, ...q.params.map((p) => `${p.name} ${p.type}${p.default === undefined ? '' : ` = ${p.default}`}`.length));
  const params = q.params.map((p) => {
    const decl = `${p.name} ${p.type}${p.default === undefined ? '' : ` = ${p.default}`}`;
    const doc = [p.default === undefined ? '(required)' : '', p.doc ?? ''].filter(Boolean).join(' ');
    return `    ${decl.padEnd(width)}  ${doc}`.trimEnd();
  });
  return [`${q.name}  ${q.purpose}`, ...params, `    → ${q.returns}`, ''].join('\n');
}

async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(
    argv,
    {
      param: { type: 'string', multiple: true, short: 'p' },
      db: { type: 'string' },
      format: { type: 'string', default: 'table' },
      out: { type: 'string' },
      dir: { type: 'string' },
      allow: { type: 'string', multiple: true },
      raw: { type: 'boolean' },
    },
    HELP,
    ctx,
    true,
  );
  if (!args) return 0;
  const v = args.values;
  if (args.positionals.length !== 1) throw new UsageError('sql run takes one query: a name, a .sql file, or - for stdin');
  const format = v.format as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  if (format === 'parquet' && !v.out) throw new UsageError('--format parquet needs --out PATH');
  const params = parseParams(v.param ?? []);
  const source = args.positionals[0]!;
  const query: NamedQuery = source === '-' ? parseQuery(await readAll(ctx.stdin), '<stdin>') : loadQuery(source, v.dir);
  if (v.db !== undefined && !existsSync(v.db)) throw new UsageError(`--db ${v.db}: no such file`);
  const outFile = format === 'parquet' ? v.out : undefined;
  const db = await openAnalystDatabase(v.db ?? ':memory:', { allowDirectories: v.allow ?? [], outputFile: outFile }).catch((cause: unknown) => {
    const message = (cause as Error).message ?? String(cause);
    if (!/lock/i.test(message)) throw cause;
    throw new Error(`${v.db} is held by a running writer (DuckDB allows one writer process and no readers beside it); query the Parquet lake or a copy instead, see docs/lake.md`, { cause });
  });
  try {
    // Without --db the in-memory database holds no tables, so a query reading them fails (explainMissingDb)
    // instead of silently returning 0 rows.
    if (v.db !== undefined) await ensureAnalystTables(db.connection, true);
    await guardRawAccess(db.connection, query, v.db !== undefined, v.raw === true, ctx);
    if (v.out) mkdirSync(dirname(v.out), { recursive: true });
    if (format === 'parquet') {
      const rows = await writeParquet(db.connection, query, params, v.out!);
      logOf(ctx)({ type: 'sql.written', query: query.name, rows, out: v.out!, format });
      return 0;
    }
    const result = await runQuery(db.connection, query, params);
    const text = formatResult(result, format as ResultFormat);
    if (v.out) {
      writeFileSync(v.out, text);
      logOf(ctx)({ type: 'sql.written', query: query.name, rows: result.rows.length, out: v.out, format });
    } else ctx.stdout.write(text);
    return 0;
  } catch (err) {
    throw explainMissingDb(err, query, v.db);
  } finally {
    db.close();
  }
}

/** Without `--db`, a query that reads a table is a usage error naming `--db` (the in-memory database has none). */
function explainMissingDb(err: unknown, query: NamedQuery, db: string | undefined): unknown {
  const message = err instanceof Error ? err.message : '';
  const table = db === undefined ? (/Table with name (\w+) does not exist/.exec(message)?.[1] ?? (/neither released tables nor presence/.test(message) ? 'presence' : undefined)) : undefined;
  if (!table) return err;
  return new UsageError(`query ${query.name} reads the table ${table}: give --db FILE, the DuckDB file ingest or stream wrote (without --db, SQL runs on an empty in-memory database)`);
}

/** `--param key=value` flags → values (strings: DuckDB casts them to the declared types). */
function parseParams(flags: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param ${flag}: expected key=value`);
    const key = flag.slice(0, eq).trim();
    if (Object.hasOwn(params, key)) throw new UsageError(`--param ${key} is given twice`);
    params[key] = flag.slice(eq + 1);
  }
  return params;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new UsageError('sql run -: no SQL on standard input');
  return text;
}

/**
 * Ad-hoc SQL (a file, stdin, or a query of another folder) runs only as a query (SELECT), and against
 * a raw database only with --raw, which is announced. The library's own queries read the release.
 */
async function guardRawAccess(conn: DuckDBConnection, query: NamedQuery, isFile: boolean, raw: boolean, ctx: CommandContext): Promise<void> {
  const tables = (await conn.runAndReadAll(`SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND table_name IN ('presence', 'release_meta')`)).getRowsJS().map((r) => r[0]);
  const isRaw = isFile && tables.includes('presence') && !tables.includes('release_meta');
  const library = query.path.startsWith(DEFAULT_SQL_DIR);
  if (raw && isRaw) ctx.stderr.write('notice: --raw: reading the raw tables of an operator database (not released data)\n');
  if (isFile && /\brelease_(elements|element_zones|meta)\b/.test(query.sql)) await ensureRelease(conn, { k: DEFAULT_K, anyK: true });
  if (library) return;
  if (isRaw && !raw) {
    throw new UsageError(
      'this is a raw operator database: analysts query the released data (citypulse release --db RAW --out ANALYST.duckdb, then sql run … --db ANALYST.duckdb) or the library queries; operators pass --raw',
    );
  }
  await checkReadOnlySql(conn, query.sql, query.name);
}
