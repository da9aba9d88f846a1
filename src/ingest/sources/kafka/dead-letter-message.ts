import type { KafkaMessage } from 'kafkajs';

/** A message for the dead-letter topic: the original key and bytes, with where and why in headers. */
export interface DeadLetterMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/**
 * The dead-letter topic's copy of a poison message: original bytes untouched, headers
 * `citypulse.reason` (the distinct reasons, comma-separated), `citypulse.topic`, `citypulse.partition`
 * and `citypulse.offset`.
 */
export function deadLetterMessage(m: KafkaMessage, topic: string, partition: number, reasons: Iterable<string>): DeadLetterMessage {
  return {
    key: m.key ?? null,
    value: m.value ?? null,
    headers: {
      'citypulse.reason': [...new Set(reasons)].join(','),
      'citypulse.topic': topic,
      'citypulse.partition': String(partition),
      'citypulse.offset': m.offset,
    },
  };
}
