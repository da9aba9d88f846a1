import { Buffer } from 'node:buffer';

/**
 * The partition Kafka's default partitioner (Java's `Utils.murmur2`, which kafkajs'
 * `Partitioners.DefaultPartitioner` reproduces) gives a subscriber key in a topic of `partitions`
 * partitions: where `citypulse publish` sends a subscriber's records, and what `stream` checks each
 * record against (a device must live in one partition).
 *
 * It runs once per record of an unkeyed message in `stream`, so the hash is computed in 32-bit
 * arithmetic (`Math.imul`) straight from the key's characters; kafkajs' own emulates it with 64-bit
 * `Long` objects and a `Buffer` per call (7 % of a soak's CPU). `test/ingest/subscriber-partitioner.test.ts`
 * checks that both agree.
 *
 * @example
 * const partitionOf = subscriberPartitioner('events', 3);
 * partitionOf('222010000000001'); // 0, 1 or 2, always the same
 */
export function subscriberPartitioner(_topic: string, partitions: number): (key: string) => number {
  if (!(Number.isInteger(partitions) && partitions > 0)) throw new RangeError(`a topic needs at least one partition, got ${partitions}`);
  return (key) => (murmur2(key) & 0x7fffffff) % partitions;
}

const M = 0x5bd1e995;
const SEED = 0x9747b28c;

/** Java Kafka's `Utils.murmur2` of the UTF-8 bytes of `key`, as a signed 32-bit integer. */
export function murmur2(key: string): number {
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) > 0x7f) return murmur2Bytes(Buffer.from(key, 'utf8'));
  return murmur2Of(key.length, (i) => key.charCodeAt(i));
}

/** {@link murmur2} of raw bytes. */
export function murmur2Bytes(data: Uint8Array): number {
  return murmur2Of(data.length, (i) => data[i]!);
}

function murmur2Of(length: number, at: (i: number) => number): number {
  let h = (SEED ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = at(i4) | (at(i4 + 1) << 8) | (at(i4 + 2) << 16) | (at(i4 + 3) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= at(tail + 2) << 16;
  if (rest >= 2) h ^= at(tail + 1) << 8;
  if (rest >= 1) {
    h ^= at(tail);
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}
