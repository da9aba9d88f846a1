// The differencing attack of issue 10 against a database, before and after: per-table k-anonymity on
// raw presence (what citypulse released before) vs the release (what it releases now).
//   node scripts/privacy-attack.ts --db out/demo/citypulse.duckdb [--k 20]
import { parseArgs } from 'node:util';
import { cellToParent } from 'h3-js';
import { openDatabase } from '../src/outputs/duckdb/open.ts';
import { ensureRelease } from '../src/privacy/duckdb/ensure-release.ts';
import { differencingAttack } from '../test/privacy/support/differencing.ts';

const { values } = parseArgs({ options: { db: { type: 'string' }, k: { type: 'string', default: '20' }, help: { type: 'boolean', short: 'h' } } });
if (values.help || !values.db) {
  process.stdout.write('Usage: node scripts/privacy-attack.ts --db RAW.duckdb [--k 20]\nRuns parent − released children at res 8/9 and 7/8 per window on the old per-table k and on the release.\n');
  process.exit(values.help ? 0 : 2);
}
const k = Number(values.k);
const db = await openDatabase(values.db, { readOnly: true });
try {
  const c = db.connection;
  const rows = async (sql: string) => new Map((await c.runAndReadAll(sql)).getRowsJS() as [string, number][]);
  const naive = (res: number) =>
    rows(`SELECT epoch_ms(window_start) || '|' || h3_cell_to_parent(h3, ${res}), sum(present)::INTEGER AS n FROM presence GROUP BY 1 HAVING n >= ${k}`);
  await ensureRelease(c, { k });
  const released = (res: number) =>
    rows(`SELECT epoch_ms(window_start) || '|' || h3_cell_to_parent(anchor, ${res}), sum(present)::INTEGER FROM release_elements WHERE anchor_res >= ${res} GROUP BY 1`);
  const up = (res: number) => (key: string) => {
    const [w, h] = key.split('|');
    return `${w}|${parentHex(BigInt(h!), res)}`;
  };
  const parentHex = (cell: bigint, res: number) => BigInt(`0x${cellToParent(cell.toString(16), res)}`).toString();
  for (const [label, source] of [['per-table k on raw presence (before)', naive], ['the release (now)', released]] as const) {
    for (const res of [8, 7]) {
      const [p, ch] = [await source(res), await source(res + 1)];
      const found = differencingAttack(p, ch, up(res), k);
      const ones = found.filter((f) => f.value === 1).length;
      process.stdout.write(`${label.padEnd(38)} res ${res} − res ${res + 1}: ${String(found.length).padStart(6)} of ${String(p.size).padStart(6)} released parents reveal 1..${k - 1} people (${ones} exactly 1)\n`);
    }
  }
} finally {
  db.close();
}
