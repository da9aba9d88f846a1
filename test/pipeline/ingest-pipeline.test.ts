import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { IngestPipeline } from '../../pipelines/ingest-pipeline.ts';
import { DEAD_LETTER_REASONS } from '../../schemas/events.ts';
import { CellTable } from '../../src/locate/cell-table.ts';
import { Pseudonymiser } from '../../src/privacy/pseudonymiser.ts';
import { MemorySink } from '../support/memory-sink.ts';

const M = 60_000;
const T0 = Date.UTC(2026, 2, 2, 8, 0);
const NOW = Date.UTC(2026, 2, 3);
const CELLS = `cell_id,lat,lon,site_id,azimuth_deg,range_m,valid_from,valid_to
c1,45.4642,9.1900,s1,0,800,,
c2,45.4780,9.2270,s2,120,800,2026-03-01T00:00:00Z,2026-03-02T08:30:00Z
c2,45.4400,9.1600,s3,120,800,2026-03-02T08:30:00Z,
`;

function make() {
  const sink = new MemorySink();
  const cells = CellTable.fromCsv(CELLS, 9);
  const pseudo = new Pseudonymiser({ key: new Uint8Array(32).fill(7) });
  const p = new IngestPipeline({ cells, pseudonymiser: pseudo, sink, now: () => NOW });
  const feed = (lines: string[]) => {
    lines.forEach((l, i) => {
      p.processPayload(l, 'test.ndjson', `line ${i + 1}`);
      p.advance();
    });
    p.finish();
  };
  return { sink, p, feed, pseudo };
}

describe('validation: every bad-input class goes to dead letters with its reason', () => {
  const cases: [string, string, (typeof DEAD_LETTER_REASONS)[number]][] = [
    ['malformed JSON', '{"ts": 1772438400000, "imsi": "222', 'malformed_json'],
    ['not an object', '42', 'not_an_object'],
    ['null', 'null', 'not_an_object'],
    ['neither cell nor position', `{"ts":${T0},"imsi":"222010000000001","event":"tau"}`, 'unknown_kind'],
    ['missing imsi', `{"ts":${T0},"cell":"c1","event":"tau"}`, 'missing_field'],
    ['missing ts', `{"imsi":"222010000000001","cell":"c1","event":"tau"}`, 'missing_field'],
    ['missing event', `{"ts":${T0},"imsi":"222010000000001","cell":"c1"}`, 'missing_field'],
    ['missing lon', `{"ts":${T0},"imsi":"222010000000001","lat":45.4}`, 'missing_field'],
    ['imsi not a string', `{"ts":${T0},"imsi":222010000000001,"cell":"c1","event":"tau"}`, 'invalid_field'],
    ['empty cell', `{"ts":${T0},"imsi":"222010000000001","cell":"","event":"tau"}`, 'invalid_field'],
    ['lat not a number', `{"ts":${T0},"imsi":"222010000000001","lat":"45.4","lon":9.1}`, 'invalid_field'],
    ['negative accuracy', `{"ts":${T0},"imsi":"222010000000001","lat":45.4,"lon":9.1,"accuracy_m":-3}`, 'invalid_field'],
    ['latitude out of range', `{"ts":${T0},"imsi":"222010000000001","lat":95,"lon":9.1}`, 'coordinates_out_of_range'],
    ['longitude out of range', `{"ts":${T0},"imsi":"222010000000001","lat":45,"lon":-190}`, 'coordinates_out_of_range'],
    ['unparsable timestamp', `{"ts":"yesterday","imsi":"222010000000001","cell":"c1","event":"tau"}`, 'invalid_timestamp'],
    ['fractional epoch', `{"ts":1772438400000.5,"imsi":"222010000000001","cell":"c1","event":"tau"}`, 'invalid_timestamp'],
    ['timestamp before 2000', `{"ts":"1999-12-31T23:59:59Z","imsi":"222010000000001","cell":"c1","event":"tau"}`, 'timestamp_out_of_range'],
    ['timestamp over a day ahead', `{"ts":${NOW + 25 * 60 * M},"imsi":"222010000000001","cell":"c1","event":"tau"}`, 'timestamp_out_of_range'],
    ['unknown cell', `{"ts":${T0},"imsi":"222010000000001","cell":"nope","event":"tau"}`, 'unknown_cell'],
    ['cell without a version at ts', `{"ts":"2025-06-01T00:00:00Z","imsi":"222010000000001","cell":"c2","event":"tau"}`, 'unknown_cell'],
  ];
  for (const [name, line, reason] of cases) {
    it(name, () => {
      const { sink, p, feed } = make();
      feed([line]);
      expect(sink.dead.map((d) => d.reason)).toEqual([reason]);
      expect(sink.dead[0]!.position).toBe('line 1');
      expect(p.stats.deadLetters[reason]).toBe(1);
      expect(p.stats.accepted).toBe(0);
    });
  }

  it('covers every reason', () => {
    expect(new Set(cases.map((c) => c[2]))).toEqual(new Set(DEAD_LETTER_REASONS));
  });

  it('replays of historical data are accepted', () => {
    const { sink, p, feed } = make();
    feed([`{"ts":"2004-05-06T07:08:09Z","imsi":"222010000000001","cell":"c1","event":"tau"}`]);
    expect(sink.dead).toEqual([]);
    expect(p.stats.accepted).toBe(1);
  });

  it('an array line yields one dead letter per bad element and keeps the good ones', () => {
    const { sink, p, feed } = make();
    feed([`[{"ts":${T0},"imsi":"222010000000001","cell":"c1","event":"tau"},{"ts":${T0},"imsi":"222010000000002","cell":"zz","event":"tau"},7]`]);
    expect(p.stats.accepted).toBe(1);
    expect(sink.dead.map((d) => [d.position, d.reason])).toEqual([
      ['line 1[1]', 'unknown_cell'],
      ['line 1[2]', 'not_an_object'],
    ]);
  });

  it('raw IMSIs never reach the dead-letter payload', () => {
    const { sink, feed, pseudo } = make();
    feed([
      `{"ts":"bad","imsi":"222019876543210","cell":"c1","event":"tau"}`,
      `{"ts":${T0},"imsi":"222019876543211","cell":"c1","event":"tau"`,
      `[{"imsi":"222019876543212","cell":"c1"}]`,
    ]);
    expect(sink.dead).toHaveLength(3);
    for (const d of sink.dead) expect(d.payload).not.toMatch(/22201987654321\d/);
    expect(sink.dead[0]!.payload).toContain(`pseudo:${pseudo.pseudonym('222019876543210')}`);
    expect(sink.dead[1]!.payload).toContain(`pseudo:${pseudo.pseudonym('222019876543211')}`);
  });
});

describe('locate', () => {
  it('signalling events use the cell version valid at their ts; fixes go straight to H3', () => {
    const { sink, feed } = make();
    feed([
      `{"ts":${T0 + 10 * M},"imsi":"222010000000001","cell":"c2","event":"tau"}`,
      `{"ts":"2026-03-02T08:05:00.000Z","imsi":"222010000000003","lat":45.4642,"lon":9.19,"accuracy_m":12}`,
      `{"ts":${T0 + 40 * M},"imsi":"222010000000002","cell":"c2","event":"tau"}`,
    ]);
    const active = sink.rows.filter((r) => r.active > 0).map((r) => [(r.windowStart - T0) / M, r.h3]);
    expect(active).toEqual(
      expect.arrayContaining([
        [0, latLngToCell(45.478, 9.227, 9)],
        [30, latLngToCell(45.44, 9.16, 9)],
        [0, latLngToCell(45.4642, 9.19, 9)],
      ]),
    );
    expect(active).toHaveLength(3);
  });

  it('the same IMSI is the same device across kinds; different IMSIs are different devices', () => {
    const { sink, feed } = make();
    feed([
      `{"ts":${T0},"imsi":"222010000000001","cell":"c1","event":"call"}`,
      `{"ts":${T0 + M},"imsi":"222010000000001","lat":45.4642,"lon":9.19}`,
      `{"ts":${T0 + 2 * M},"imsi":"222010000000002","cell":"c1","event":"sms"}`,
    ]);
    const w0 = sink.rows.filter((r) => r.windowStart === T0);
    expect(w0.reduce((a, r) => a + r.present, 0)).toBe(2);
    expect(w0.reduce((a, r) => a + r.events, 0)).toBe(3);
  });

  it('unknown event kinds are kept as presence signals', () => {
    const { sink, p, feed } = make();
    feed([`{"ts":${T0},"imsi":"222010000000001","cell":"c1","event":"x2_setup"}`]);
    expect(p.stats.accepted).toBe(1);
    expect(sink.rows[0]!.present).toBe(1);
  });
});

describe('late events', () => {
  it('go to late events with their window and the watermark, and are counted', () => {
    const { sink, p, feed } = make();
    feed([
      `{"ts":${T0},"imsi":"222010000000001","cell":"c1","event":"tau"}`,
      `{"ts":${T0 + 40 * M},"imsi":"222010000000002","cell":"c1","event":"tau"}`,
      `{"ts":${T0 + 5 * M},"imsi":"222010000000003","cell":"c1","event":"tau"}`,
    ]);
    expect(p.stats.late).toBe(1);
    expect(sink.lates).toHaveLength(1);
    expect(sink.lates[0]!.windowStart).toBe(T0);
    expect(sink.lates[0]!.watermark).toBe(T0 + 35 * M);
    expect(sink.lates[0]!.device).not.toContain('222010000000003');
  });
});
