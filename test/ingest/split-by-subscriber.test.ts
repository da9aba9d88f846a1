import { describe, expect, it } from 'vitest';
import { MessageBatcher, splitBySubscriber } from '../../src/ingest/encode/message-batcher.ts';

const r = (imsi: unknown, ts: number) => ({ ts, imsi, cell: 'c1', event: 'tau' });
const batcher = () => new MessageBatcher({ encoding: 'ndjson', partitions: 3, partitionOf: () => 0 });

describe('publish (ndjson): every record keyed by its own subscriber', () => {
  it('a record, or an array of one subscriber, travels as the line itself', () => {
    const one = JSON.stringify(r('A', 1));
    expect(batcher().push(one)).toEqual([{ key: 'A', value: one, records: 1 }]);
    const same = JSON.stringify([r('A', 1), r('A', 2)]);
    expect(batcher().push(same)).toEqual([{ key: 'A', value: same, records: 2 }]);
  });

  it('an array mixing subscribers becomes one message per subscriber, records in line order', () => {
    const line = JSON.stringify([r('A', 1), r('B', 2), r('A', 3), r(42, 4), r('C', 5)]);
    expect(splitBySubscriber(JSON.parse(line), line)).toEqual([
      { key: null, value: JSON.stringify(r(42, 4)), records: 1 },
      { key: 'A', value: JSON.stringify([r('A', 1), r('A', 3)]), records: 2 },
      { key: 'B', value: JSON.stringify(r('B', 2)), records: 1 },
      { key: 'C', value: JSON.stringify(r('C', 5)), records: 1 },
    ]);
  });

  it('keeps every record: counts add up', () => {
    const recs = Array.from({ length: 50 }, (_, i) => r(`S${i % 7}`, i));
    const out = batcher().push(JSON.stringify(recs));
    expect(out.reduce((a, m) => a + m.records, 0)).toBe(50);
    for (const m of out) {
      const v = JSON.parse(String(m.value)) as { imsi: string } | { imsi: string }[];
      for (const x of Array.isArray(v) ? v : [v]) expect(x.imsi).toBe(m.key);
    }
  });

  it('a line that does not parse still goes, unkeyed', () => {
    expect(batcher().push('{"ts": 17')).toEqual([{ key: null, value: '{"ts": 17', records: 1 }]);
  });
});
