import { parseBrokers } from '../ingest/sources/kafka/kafka-client.ts';
import { UsageError } from './command.ts';

/** Kafka brokers from `--brokers`, else $CITYPULSE_BROKERS, else 127.0.0.1:9092; a bad list is a UsageError. */
export function brokersArg(flag: unknown, env: NodeJS.ProcessEnv): string[] {
  try {
    return parseBrokers(typeof flag === 'string' ? flag : (env.CITYPULSE_BROKERS ?? '127.0.0.1:9092'));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
