import { existsSync } from 'node:fs';
import { openDatabase } from '../../outputs/duckdb/open.ts';
import { RETENTION_POLICY, resolveRetentionAges, type RetainedItem, type RetentionRule } from '../../privacy/retention/retention-policy.ts';
import { parseDuration } from '../../core/duration.ts';
import { UsageError, dispatchSubcommand, parseCommandArgs, required, type Command, type CommandContext } from '../command.ts';

const HELP = `Usage: citypulse retention report --db FILE [--max-age 30d]

Shows what a database holds under the declared retention policy (docs/privacy.md#retention), and
until when: per table its data class, age limit, rows, oldest and newest row, and the date its oldest
row is deleted by the retention job. Lake partitions and output files follow the same ages.

Options:
  --db FILE          a citypulse database (opened read-only)
  --max-age D        the retention job's maxAge (default 30d, as in jobs/jobs.config.json)
  -h, --help         this help

Example:
  citypulse retention report --db out/demo/citypulse.duckdb
`;

export const retentionCommand: Command = {
  name: 'retention',
  summary: 'retention report: what is held under the declared retention policy, and until when',
  help: HELP,
  run: (argv, ctx) => dispatchSubcommand('retention', argv, ctx, HELP, { report }),
};

async function report(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(argv, { db: { type: 'string' }, 'max-age': { type: 'string', default: '30d' } }, HELP, ctx);
  if (!args) return 0;
  const db = required(args.values, 'db');
  if (!existsSync(db)) throw new UsageError(`--db ${db}: no such file`);
  let maxAge: number;
  try {
    maxAge = parseDuration(String(args.values['max-age']), '--max-age');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const ages = resolveRetentionAges(maxAge);
  const conn = await openDatabase(db, { readOnly: true, createSchema: false, h3: false });
  try {
    const columns = new Set((await conn.connection.runAndReadAll(`SELECT table_name || '.' || column_name FROM duckdb_columns() WHERE schema_name = 'main'`)).getRowsJS().map((r) => r[0]));
    const lines = [['item', 'class', 'max age', 'rows', 'oldest', 'newest', 'held until', 'why'].join('\t')];
    for (const [item, rule] of Object.entries(RETENTION_POLICY) as [RetainedItem, RetentionRule][]) {
      const days = `${Math.round(ages[item] / 86_400_000)}d`;
      if (rule.dateColumn === null || !columns.has(`${item}.${rule.dateColumn}`)) {
        lines.push([item, rule.dataClass, days, rule.dateColumn === null ? 'files' : '-', '', '', '', rule.why].join('\t'));
        continue;
      }
      const [n, oldest, newest] = (await conn.connection.runAndReadAll(`SELECT count(*)::BIGINT, epoch_ms(min(${rule.dateColumn})), epoch_ms(max(${rule.dateColumn})) FROM ${item}`)).getRowsJS()[0] as [bigint, bigint | null, bigint | null];
      const iso = (v: bigint | number | null) => (v === null ? '' : new Date(Number(v)).toISOString().slice(0, 16) + 'Z');
      lines.push([item, rule.dataClass, days, String(n), iso(oldest), iso(newest), oldest === null ? '' : iso(Number(oldest) + ages[item]), rule.why].join('\t'));
    }
    const widths = lines[0]!.split('\t').map((_, i) => Math.max(...lines.map((l) => (l.split('\t')[i] ?? '').length)));
    ctx.stdout.write(lines.map((l) => l.split('\t').map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n');
    return 0;
  } finally {
    conn.close();
  }
}
