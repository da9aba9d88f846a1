// The main job overlaps simulate and ingest: the ingest reads events.ndjson while the simulator still
// writes it (followFile → `ingest --from - --source-name FILE`). It must see every byte, in order,
// whatever the write boundaries, and store the same rows as an ingest of the finished file.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followFile } from '../../src/ingest/sources/follow-file.ts';
import { lineBatches } from '../../src/ingest/sources/line-batches.ts';
import { main } from '../../src/cli/main.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { TEST_KEY, runMain } from '../cli/support/run-main.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'citypulse-follow-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `text` to `path` in pieces of the given sizes, pausing between them; resolves when done. */
async function writeSlowly(path: string, text: string, sizes: number[]): Promise<void> {
  await sleep(30); // the reader starts before the file exists
  writeFileSync(path, '');
  let at = 0;
  for (let i = 0; at < text.length; i++) {
    const n = sizes[i % sizes.length]!;
    appendFileSync(path, text.slice(at, at + n));
    at += n;
    await sleep(i % 3 === 0 ? 15 : 0);
  }
}

describe('followFile', () => {
  it('reads a file as it is written, cut anywhere (mid-line, mid-character), and ends when the writer is done', async () => {
    const lines = Array.from({ length: 400 }, (_, i) => JSON.stringify({ i, s: 'é'.repeat(i % 7) }));
    const text = lines.join('\n') + '\n';
    const path = join(dir, 'growing.ndjson');
    const done = writeSlowly(path, text, [1, 37, 1000, 5, 333]);
    const got: string[] = [];
    for await (const b of lineBatches(Readable.from(followFile(path, { done, pollMs: 5, chunkBytes: 256 })))) got.push(...b.lines);
    expect(got).toEqual(lines);
  });

  it('a writer that fails ends the stream with its error', async () => {
    const path = join(dir, 'failing.ndjson');
    writeFileSync(path, 'a\nb\n');
    const done = sleep(20).then(() => {
      throw new Error('simulator crashed');
    });
    const chunks: Buffer[] = [];
    await expect((async () => {
      for await (const c of followFile(path, { done, pollMs: 5 })) chunks.push(c);
    })()).rejects.toThrow('simulator crashed');
    expect(Buffer.concat(chunks).toString()).toBe('a\nb\n');
  });
});

describe('ingest --from - --source-name over a followed file', () => {
  it('stores the rows of an ingest of the finished file, under the file name', async () => {
    const sim = await runMain(['simulate', '--out', join(dir, 'sim'), '--subscribers', '60', '--seed', '5', '--start', '2026-03-02T00:00:00Z', '--bad-rate', '0.01']);
    expect(sim.code).toBe(0);
    const events = join(dir, 'sim', 'events.ndjson');
    const cells = join(dir, 'sim', 'cells.csv');
    const whole = join(dir, 'whole.duckdb');
    expect((await runMain(['ingest', '--from', events, '--cells', cells, '--db', whole])).code).toBe(0);

    const growing = join(dir, 'growing.ndjson');
    const done = writeSlowly(growing, readFileSync(events, 'utf8'), [65_536, 1_000, 200_003]);
    const followed = join(dir, 'followed.duckdb');
    const sink = () => new Writable({ write: (_c, _e, cb) => cb() });
    const code = await main(['ingest', '--from', '-', '--source-name', growing, '--cells', cells, '--db', followed], {
      env: { CITYPULSE_KEY: TEST_KEY }, stdout: sink(), stderr: sink(), stdin: Readable.from(followFile(growing, { done, pollMs: 5 })), signal: new AbortController().signal,
    });
    expect(code).toBe(0);

    const read = async (db: string) => {
      const d = await openDatabase(db, { readOnly: true, createSchema: false, h3: false });
      try {
        const q = async (sql: string) => JSON.stringify((await d.connection.runAndReadAll(sql)).getRowsJS(), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
        return {
          presence: await q('SELECT window_start, h3, present, active, events FROM presence ORDER BY ALL'),
          dead: await q('SELECT position, reason, payload FROM dead_letters ORDER BY ALL'),
          sources: await q('SELECT DISTINCT source FROM dead_letters UNION ALL SELECT source FROM ingest_runs'),
        };
      } finally {
        d.close();
      }
    };
    const a = await read(whole);
    const b = await read(followed);
    expect(b.presence).toBe(a.presence);
    expect(b.dead).toBe(a.dead);
    expect(JSON.parse(a.presence).length).toBeGreaterThan(100);
    expect(JSON.parse(a.dead).length).toBeGreaterThan(0);
    expect(JSON.parse(b.sources)).toEqual([[growing], [growing]]);
  });

  it('--source-name without --from - is a usage error naming the flag', async () => {
    const r = await runMain(['ingest', '--from', join(dir, 'x.ndjson'), '--source-name', 'x', '--cells', 'c.csv', '--db', join(dir, 'n.duckdb')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch('--source-name names standard input: use it with --from -');
  });
});
