/** The subset of a kafkajs producer the head publisher uses. */
export interface HeadProducer {
  connect(): Promise<void>;
  send(record: { topic: string; acks?: number; messages: { key: string; value: string }[] }): Promise<unknown>;
  disconnect(): Promise<void>;
}

/** Default Kafka topic of published signed tree heads. */
export const DEFAULT_HEADS_TOPIC = 'citypulse-ledger-heads';
