import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { maskDigits, redactPayload } from '../../src/privacy/redact.ts';

const KEY = '5eed5eed5eed5eed5eed5eed5eed5eed';
const pseudo = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);
const P = (s: string) => `pseudo:${pseudo(s)}`;

async function cli(argv: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  out.on('data', (c: Buffer) => chunks.out.push(c));
  err.on('data', (c: Buffer) => chunks.err.push(c));
  const code = await main(argv, { env, stdout: out, stderr: err, stdin: Readable.from(['']), signal: new AbortController().signal });
  return { code, out: Buffer.concat(chunks.out).toString(), err: Buffer.concat(chunks.err).toString() };
}

describe('redactPayload, hand-written cases of issue 10', () => {
  const cases: [string, string][] = [
    ['{"IMSI":222012709640001,"cell":"222-01-1001-11"}', `{"IMSI":"${P('222012709640001')}","cell":"222-01-1001-11"}`],
    ['{"imsi":"222012709640002","event":"222012709640003"}', `{"imsi":"${P('222012709640002')}","event":"###############"}`],
    ['{"ts":222012709640004,"Subscriber":{"id":1}}', '{"ts":"###############","Subscriber":"[redacted]"}'],
    ['imsi:222012709640003;cell:222-01-1001-11', `imsi:"${P('222012709640003')}";cell:222-01-1001-11`],
    ['{"ts":1772409601005,"Imsi":"x"', `{"ts":1772409601005,"Imsi":"${P('x')}"`],
    ['garbage a222012709640005b', 'garbage a###############b'],
    ['2220127096 then 22201270964', '########## then ###########'],
  ];
  for (const [input, expected] of cases) it(input, () => expect(redactPayload(input, pseudo)).toBe(expected));
  it('keeps epoch ms and short numbers, masks identity-looking runs in details', () => {
    expect(maskDigits('ts 1772409601005 at position 12')).toBe('ts 1772409601005 at position 12');
    expect(maskDigits(`Unexpected token 'i', "imsi:22201"... is not valid JSON`)).toBe(`Unexpected token 'i', "imsi:22201"... is not valid JSON`);
    expect(maskDigits('cell 222012709640010 is not in the cell table')).toBe('cell ############### is not in the cell table');
  });
});

describe('planted IMSIs never reach disk (property, through the real ingest)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'citypulse-planted-'));
    writeFileSync(join(dir, 'cells.csv'), 'cell_id,lat,lon\n222-01-1001-11,45.4642,9.19\n222-01-1001-12,45.47,9.2\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const imsi = fc.tuple(fc.integer({ min: 200, max: 799 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 9_999_999_999 })).map(([mcc, mnc, msin]) => `${mcc}${String(mnc).padStart(2, '0')}${String(msin).padStart(10, '0')}`);
  const key = fc.constantFrom('imsi', 'IMSI', 'Imsi', 'subscriber', 'subscriberId', 'Subscriber_ID', 'msisdn');
  const ts = 1772409601005;
  /** A bad record with `id` planted somewhere; each is rejected for some reason, or is not JSON. */
  const bad = (id: string) =>
    fc.oneof(
      key.map((k) => JSON.stringify({ ts, [k]: Number(id), cell: 'nope' })),
      key.map((k) => `{"ts":${ts},"${k}":${id}`), // truncated JSON, identity as a number
      fc.constantFrom('event', 'ts', 'cell', 'lat', 'accuracy_m').map((f) => JSON.stringify({ ts, imsi: 'x', cell: '222-01-1001-11', event: 'tau', [f]: id })),
      fc.constantFrom('event', 'ts', 'cell', 'lat').map((f) => JSON.stringify({ ts, imsi: 'x', cell: '222-01-1001-11', event: 'tau', [f]: Number(id) })),
      fc.constantFrom(`imsi:${id};cell:222-01-1001-11`, `IMSI=${id} cell=x`, `${id}`, `"${id}"`, `[${id}]`, `{"a":[{"b":"${id}"}]}`, `subscriber ${id} tau`, `x${id}y`),
      fc.constant(JSON.stringify({ ts: ts, cell: id, imsi: id.slice(3), event: 'tau' })), // swapped columns
      fc.constant(JSON.stringify({ ts, lat: 45.46, lon: Number(id), imsi: 'y' })),
      fc.constant(JSON.stringify({ ts: id, imsi: 'z', cell: '222-01-1001-11', event: 'tau' })),
    );

  it('scans every table of the database, every file under the output folder and the lake: zero hits', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(imsi.chain((id) => bad(id).map((line) => ({ id, line }))), { minLength: 1, maxLength: 25 }), async (planted) => {
        const out = join(dir, `run-${run++}`);
        mkdirSync(out, { recursive: true });
        const good = Array.from({ length: 30 }, (_, i) => JSON.stringify({ ts: ts + i * 60_000, imsi: `22201${String(1000000000 + i)}`, cell: '222-01-1001-1' + (1 + (i % 2)), event: 'tau' }));
        // (one line sure to be a dead letter: some planted shapes are valid records with an extra field)
        const lines = [...good.slice(0, 15), ...planted.map((p) => p.line), `IMSI: ${planted[0]!.id}; cell 222-01-1001-11`, ...good.slice(15)];
        const input = join(dir, `in-${run}.ndjson`);
        writeFileSync(input, lines.join('\n') + '\n');
        const r = await cli(['ingest', '--from', input, '--cells', join(dir, 'cells.csv'), '--db', join(out, 'cp.duckdb'), '--lake', join(out, 'lake')], { CITYPULSE_KEY: KEY });
        expect(r.code, r.err).toBe(0);
        const secrets = [...planted.map((p) => p.id), ...good.map((g) => JSON.parse(g).imsi as string)];
        // the MSIN (last 10 digits) alone is as identifying as the whole IMSI
        const needles = [...new Set(secrets.flatMap((s) => [s, s.slice(-10)]))];
        const texts: string[] = [r.out, r.err];
        const db = await openDatabase(join(out, 'cp.duckdb'), { readOnly: true });
        try {
          const tables = (await db.connection.runAndReadAll('SELECT table_name FROM duckdb_tables()')).getRowsJS().map((x) => x[0] as string);
          expect(tables).toContain('dead_letters');
          for (const t of tables) texts.push(JSON.stringify((await db.connection.runAndReadAll(`SELECT * FROM "${t}"`)).getRowsJS(), (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
          const dead = Number((await db.connection.runAndReadAll('SELECT count(*) FROM dead_letters')).getRowsJS()[0]![0]);
          expect(dead).toBeGreaterThan(0);
          const parquet = (await db.connection.runAndReadAll(`SELECT * FROM read_parquet('${join(out, 'lake')}/**/*.parquet')`)).getRowsJS();
          expect(parquet.length).toBeGreaterThan(0);
          texts.push(JSON.stringify(parquet, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
        } finally {
          db.close();
        }
        const files = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? files(join(d, f)) : [join(d, f)]));
        for (const f of files(out)) texts.push(readFileSync(f).toString('latin1'));
        const all = texts.join('\n');
        for (const n of needles) expect(all.includes(n), `${n} found on disk`).toBe(false);
      }),
      { numRuns: 6, endOnFailure: true },
    );
  }, 300_000);
});
