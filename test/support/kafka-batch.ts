import type { EachBatchPayload, KafkaMessage } from 'kafkajs';

/** A message of partition `t/0` as kafkajs hands it: a string value as is, anything else as JSON. */
export function message(offset: number, value: unknown, key: string | null = null): KafkaMessage {
  return { offset: String(offset), key: key === null ? null : Buffer.from(key), value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), timestamp: '0', attributes: 0, headers: {} } as KafkaMessage;
}

/** A batch of `t/0` as kafkajs hands it to `eachBatch`; `highWatermark` (the partition log's end) defaults to just past it: caught up. */
export function payload(messages: KafkaMessage[], highWatermark = String(Number(messages.at(-1)?.offset ?? -1) + 1)): EachBatchPayload {
  return {
    batch: { topic: 't', partition: 0, messages, highWatermark, lastOffset: () => messages.at(-1)!.offset },
    heartbeat: async () => {},
    isRunning: () => true,
    isStale: () => false,
  } as unknown as EachBatchPayload;
}
