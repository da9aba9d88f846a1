// The columnar path of Arrow messages (subscribers and cells looked up once per batch) must give
// exactly what the per-record path gives for the same rows: presence, dead letters (reason, detail,
// payload, position), late events, strays, stats — on hand-made and on randomised input.
import { describe, expect, it } from 'vitest';
import { IngestPipeline } from '../../pipelines/ingest-pipeline.ts';
import { ARROW_STREAM_CONTENT_TYPE, arrowRecords } from '../../src/ingest/decode/arrow-message.ts';
import { decodeMessage } from '../../src/ingest/decode/decode-message.ts';
import { encodeArrowBatch } from '../../src/ingest/encode/arrow-batch.ts';
import { toArrowRow, type ArrowRow } from '../../src/ingest/encode/arrow-row.ts';
import { CellTable } from '../../src/locate/cell-table.ts';
import { Pseudonymiser } from '../../src/privacy/pseudonymiser.ts';
import { MemorySink } from '../support/memory-sink.ts';
import { mulberry32 as rng } from '../support/mulberry32.ts';

const M = 60_000;
const T0 = Date.UTC(2026, 2, 2, 8, 0);
const NOW = Date.UTC(2026, 2, 3);
const CELLS = `cell_id,lat,lon,site_id,azimuth_deg,range_m,valid_from,valid_to
c1,45.4642,9.1900,s1,0,800,,
c2,45.4780,9.2270,s2,120,800,2026-03-01T00:00:00Z,2026-03-02T08:30:00Z
c2,45.4400,9.1600,s3,120,800,2026-03-02T08:30:00Z,
c3,45.5000,9.3000,s4,0,800,,2026-03-02T09:00:00Z
c4,45.4200,9.1000,s5,0,800,,
`;

function pipeline(rotate: boolean) {
  const sink = new MemorySink();
  const p = new IngestPipeline({
    cells: CellTable.fromCsv(CELLS, 9),
    pseudonymiser: new Pseudonymiser({ key: new Uint8Array(32).fill(7), ...(rotate ? { rotateEveryMs: 3_600_000 } : {}) }),
    sink,
    now: () => NOW,
  });
  return { sink, p };
}


/** Records of a few hundred subscribers over ~3 h, ~8 % of them bad in every way a row can carry. */
function randomRecords(seed: number, n: number): Record<string, unknown>[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const imsis = Array.from({ length: 300 }, (_, i) => (i % 17 === 0 ? `x${i}` : `2220100000${String(i).padStart(5, '0')}`));
  const out: Record<string, unknown>[] = [];
  let t = T0 - 30 * M;
  for (let i = 0; i < n; i++) {
    t += Math.floor(r() * 2_000);
    // a few seconds of disorder, now and then a record far behind (late) or far ahead (implausible)
    const ts = r() < 0.01 ? t - 40 * M : r() < 0.005 ? NOW + 2 * 86_400_000 : r() < 0.003 ? Date.UTC(1999, 0, 1) : t - Math.floor(r() * 5_000);
    const imsi = r() < 0.01 ? pick([null, '']) : pick(imsis);
    if (r() < 0.3) {
      const rec: Record<string, unknown> = { ts, imsi, lat: 45.4 + r() * 0.1, lon: 9.1 + r() * 0.2 };
      if (r() < 0.5) rec.accuracy_m = r() < 0.02 ? -1 : Math.round(r() * 100);
      if (r() < 0.01) rec.lat = 95;
      if (r() < 0.01) delete rec.lon;
      out.push(rec);
    } else {
      const rec: Record<string, unknown> = { ts, imsi, cell: r() < 0.02 ? pick(['nope', '']) : pick(['c1', 'c2', 'c3', 'c4']), event: pick(['attach', 'tau', 'handover', 'call', 'sms', 'detach']) };
      if (r() < 0.01) rec.event = pick([null, '']);
      if (r() < 0.005) rec.ts = null;
      out.push(rec);
    }
  }
  return out;
}

/** The outcome of feeding `messages` (rows per message) to a fresh pipeline, columnar or per record. */
function run(messages: ArrowRow[][], columnar: boolean, opts: { rotate: boolean; dictionaryImsi: boolean; owns?: (imsi: string) => boolean }) {
  const { sink, p } = pipeline(opts.rotate);
  messages.forEach((rows, m) => {
    const bytes = encodeArrowBatch(rows, { dictionaryImsi: opts.dictionaryImsi });
    const msg = decodeMessage(bytes, ARROW_STREAM_CONTENT_TYPE);
    if (!columnar) {
      // the same rows through the per-record path: a plain iterable, not ArrowRecords
      const rowsOf = arrowRecords(bytes)!;
      p.processMessage({ kind: 'many', records: { [Symbol.iterator]: () => rowsOf[Symbol.iterator]() } }, 't', `0@${m}`, 't/0', 0, opts.owns);
    } else {
      p.processMessage(msg, 't', `0@${m}`, 't/0', 0, opts.owns);
    }
    p.advance();
  });
  p.finish();
  return { rows: sink.rows, dead: sink.dead, lates: sink.lates, stats: p.stats };
}

function split(rows: ArrowRow[], seed: number): ArrowRow[][] {
  const r = rng(seed);
  const out: ArrowRow[][] = [];
  for (let i = 0; i < rows.length; ) {
    const n = 1 + Math.floor(r() * 400);
    out.push(rows.slice(i, i + n));
    i += n;
  }
  return out;
}

describe('columnar Arrow path = per-record path', () => {
  it('hand-made rows: a fast row, each kind of bad row, a late row, a versioned cell', () => {
    const recs = [
      { ts: T0, imsi: '222010000000001', cell: 'c1', event: 'attach' },
      { ts: T0 + 5 * M, imsi: '222010000000001', cell: 'c2', event: 'handover' },
      { ts: T0 + 35 * M, imsi: '222010000000001', cell: 'c2', event: 'tau' }, // c2's second version
      { ts: T0 + 7 * M, imsi: '222010000000002', lat: 45.47, lon: 9.2, accuracy_m: 30 },
      { ts: T0, imsi: '222010000000001', event: 'tau' },
      { ts: T0, cell: 'c1', event: 'tau' },
      { ts: T0 + 2 * 3_600_000, imsi: '222010000000001', cell: 'c3', event: 'tau' }, // c3 no longer valid
      { ts: T0, imsi: '222010000000001', cell: 'nope', event: 'tau' },
      { ts: T0, imsi: '222010000000001', lat: 45.4, lon: 9.1, accuracy_m: -3 },
      { ts: T0 + 60 * M, imsi: 'abc', cell: 'c4', event: 'detach' },
    ].map((r) => toArrowRow(r)!);
    for (const dictionaryImsi of [false, true]) {
      const a = run([recs.slice(0, 6), recs.slice(6)], true, { rotate: false, dictionaryImsi });
      const b = run([recs.slice(0, 6), recs.slice(6)], false, { rotate: false, dictionaryImsi });
      expect(a).toEqual(b);
      expect(a.dead.map((d) => [d.position, d.reason])).toEqual([
        ['0@0[4]', 'unknown_kind'],
        ['0@0[5]', 'missing_field'],
        ['0@1[0]', 'unknown_cell'],
        ['0@1[1]', 'unknown_cell'],
        ['0@1[2]', 'invalid_field'],
      ]);
      // the fix at T0+7m arrives after an event at T0+35m: its window had closed (lateness 5 min)
      expect(a.lates.map((l) => [l.position, l.kind])).toEqual([['0@0[3]', 'fix']]);
      expect(a.rows.reduce((s, r) => s + r.events, 0)).toBe(4);
      expect(a.rows.find((r) => r.windowStart === T0 + 30 * M && r.events > 0)?.h3).toBe(CellTable.fromCsv(CELLS, 9).locate('c2', T0 + 35 * M));
      expect(a.stats.records).toBe(10);
    }
  });

  for (const [seed, rotate, dictionaryImsi, withOwns] of [[1, false, false, false], [2, false, true, false], [3, true, true, false], [4, false, false, true], [5, true, false, true]] as const) {
    it(`randomised input (seed ${seed}${rotate ? ', rotating pseudonyms' : ''}${dictionaryImsi ? ', dictionary imsi' : ''}${withOwns ? ', ownership check' : ''})`, () => {
      const recs = randomRecords(seed, 6_000);
      const rows = recs.map((r) => toArrowRow(r)).filter((r): r is ArrowRow => r !== null);
      expect(rows.length).toBeGreaterThan(5_800);
      const owns = withOwns ? (imsi: string) => imsi.charCodeAt(imsi.length - 1) % 3 !== 0 : undefined;
      const messages = split(rows, seed);
      const a = run(messages, true, { rotate, dictionaryImsi, ...(owns ? { owns } : {}) });
      const b = run(messages, false, { rotate, dictionaryImsi, ...(owns ? { owns } : {}) });
      expect(a.rows).toEqual(b.rows);
      expect(a.dead).toEqual(b.dead);
      expect(a.lates).toEqual(b.lates);
      expect(a.stats).toEqual(b.stats);
      // the input exercises what it should
      expect(a.stats.accepted).toBeGreaterThan(3_000);
      expect(a.dead.length).toBeGreaterThan(50);
      expect(a.lates.length).toBeGreaterThan(5);
      expect(new Set(a.dead.map((d) => d.reason)).size).toBeGreaterThanOrEqual(5);
      if (withOwns) expect(a.stats.strays).toBeGreaterThan(500);
    });
  }
});
