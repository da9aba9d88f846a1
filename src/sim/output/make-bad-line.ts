import type { DeadLetterReason } from '../../../schemas/events.ts';
import { DEAD_LETTER_REASONS } from '../../../schemas/events.ts';
import type { Rng } from '../rng.ts';
import type { PendingLine } from './pending-line.ts';

/** A valid cell id (open validity) and a valid position. */
export interface BadLineFallback {
  cell: string;
  lat: number;
  lon: number;
}

type Maker = (p: PendingLine, rng: Rng) => string;

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)]!;

/** A signalling record of the same device and time, or a fix, as a JSON object literal's fields. */
const sig = (p: PendingLine) => ({ ts: p.ts, imsi: p.imsi, cell: p.cell, event: p.kind === 'fix' ? 'data' : p.kind });
const loc = (p: PendingLine) => ({ ts: p.ts, imsi: p.imsi, lat: p.lat, lon: p.lon, accuracy_m: 25 });
const json = (o: object) => JSON.stringify(o);
const without = <T extends object>(o: T, k: keyof T) => {
  const c = { ...o };
  delete c[k];
  return c;
};

/**
 * One way to break a record per dead-letter reason; each table entry must yield a line that the
 * pipeline rejects with exactly that reason (a `Record` over the reasons, so a new reason fails to
 * compile until it has a maker).
 */
const MAKERS: Record<DeadLetterReason, Maker> = {
  // A strict prefix of a JSON object is never valid JSON; the others are classic producer bugs.
  malformed_json: (p, rng) =>
    pick(rng, [
      () => p.line.slice(0, 1 + rng.int(p.line.length - 1)),
      () => `{'ts':${p.ts},'imsi':'${p.imsi}'}`,
      () => `{"ts":NaN,"imsi":"${p.imsi}","cell":"${p.cell}","event":"tau"}`,
      () => `{"ts":${p.ts},"imsi":"${p.imsi}",}`,
    ])(),
  not_an_object: (p, rng) => pick(rng, ['42', '"tau"', 'true', 'null', String(p.ts), `"${p.imsi}"`]),
  unknown_kind: (p, rng) => json(pick(rng, [{ ts: p.ts, imsi: p.imsi }, { ts: p.ts, imsi: p.imsi, bssid: 'a4:2b:b0:12:9f:01', rssi: -67 }])),
  missing_field: (p, rng) =>
    json(pick(rng, [without(sig(p), 'event'), without(sig(p), 'imsi'), without(sig(p), 'ts'), without(loc(p), 'imsi'), without(loc(p), 'ts')])),
  invalid_field: (p, rng) =>
    json(
      pick(rng, [
        { ...sig(p), imsi: Number(p.imsi) },
        { ...sig(p), imsi: '' },
        { ...sig(p), event: 7 },
        { ...sig(p), event: '' },
        { ...sig(p), cell: 2220110015 },
        { ...loc(p), lat: String(p.lat) },
        { ...loc(p), accuracy_m: -12 },
      ]),
    ),
  coordinates_out_of_range: (p, rng) =>
    json(pick(rng, [{ ...loc(p), lat: 91.5 }, { ...loc(p), lat: -123.4 }, { ...loc(p), lon: 190.25 }, { ...loc(p), lon: -540 }])),
  invalid_timestamp: (p, rng) =>
    json({ ...sig(p), ts: pick(rng, ['yesterday', '2026-03-02T25:61:00Z', '02/03/2026 10:15', 'not-a-date', '2026-03-02 noonish']) }),
  timestamp_out_of_range: (p, rng) =>
    json({ ...sig(p), ts: pick(rng, [946_684_799_000, 123_456_789_000, '1999-12-31T23:59:59Z', '1985-06-01T12:00:00Z']) }),
  unknown_cell: (p, rng) => json({ ...sig(p), cell: `222-01-99${rng.int(900) + 100}-${rng.int(90_000) + 10_000}` }),
};

/**
 * A deliberately bad line derived from a good one (same device and time), and the reason the
 * pipeline must give when it dead-letters it. Reasons are drawn evenly from `DEAD_LETTER_REASONS`.
 * Each bad line has exactly one thing wrong: the fallback fills in a cell valid at every time when
 * the good line is a fix, and a position when it is a signalling record.
 */
export function makeBadLine(p: PendingLine, rng: Rng, fallback: BadLineFallback): { line: string; reason: DeadLetterReason } {
  const reason = DEAD_LETTER_REASONS[rng.int(DEAD_LETTER_REASONS.length)]!;
  const base = { ...p, cell: p.cell || fallback.cell, lat: Number.isNaN(p.lat) ? fallback.lat : p.lat, lon: Number.isNaN(p.lon) ? fallback.lon : p.lon };
  return { line: MAKERS[reason](base, rng), reason };
}
