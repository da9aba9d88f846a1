import { describe, expect, it } from 'vitest';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { murmur2, subscriberPartitioner } from '../../src/ingest/sources/kafka/subscriber-partitioner.ts';
import { mulberry32 } from '../support/mulberry32.ts';

/** kafkajs' own default partitioner: the reference our 32-bit murmur2 must agree with. */
function kafkajsPartitionOf(topic: string, partitions: number): (key: string) => number {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: partitions }, (_, i) => ({ partitionErrorCode: 0, partitionId: i, leader: 0, replicas: [0], isr: [0] }));
  return (key) => partitioner({ topic, partitionMetadata, message: { key, value: null } });
}

describe('subscriberPartitioner', () => {
  it('matches Java Kafka murmur2 on known vectors (from Kafka UtilsTest)', () => {
    // org.apache.kafka.common.utils.UtilsTest#testMurmur2
    expect(murmur2('21')).toBe(-973932308);
    expect(murmur2('foobar')).toBe(-790332482);
    expect(murmur2('a-little-bit-long-string')).toBe(-985981536);
    expect(murmur2('a-little-bit-longer-string')).toBe(-1486304829);
    expect(murmur2('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8')).toBe(-58897971);
    expect(murmur2('abc')).toBe(479470107);
  });

  it('agrees with kafkajs DefaultPartitioner on 20,000 random keys of every length, ASCII and not', () => {
    const rnd = mulberry32(7);
    const alphabet = '0123456789abcdefXYZ-_ é漢😀';
    for (const n of [1, 2, 3, 4, 7, 12, 64]) {
      const ours = subscriberPartitioner('t', n);
      const theirs = kafkajsPartitionOf('t', n);
      for (let i = 0; i < 20_000 / 7; i++) {
        const len = Math.floor(rnd() * 24);
        let key = '';
        for (let j = 0; j < len; j++) key += [...alphabet][Math.floor(rnd() * [...alphabet].length)];
        if (i % 2 === 0) key = `22201${String(Math.floor(rnd() * 1e10)).padStart(10, '0')}`;
        expect(ours(key), `key ${JSON.stringify(key)} over ${n}`).toBe(theirs(key));
      }
    }
  });

  it('refuses a topic without partitions', () => {
    expect(() => subscriberPartitioner('t', 0)).toThrow(/at least one partition/);
  });
});
