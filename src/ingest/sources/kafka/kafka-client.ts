import { Kafka, logLevel, type logCreator } from 'kafkajs';

/** How to reach Kafka. */
export interface KafkaClientConfig {
  /** Bootstrap brokers, e.g. ['127.0.0.1:9092']. */
  brokers: string[];
  /** Client id shown in broker logs. Default `citypulse`. */
  clientId?: string;
  /**
   * Where kafkajs' own log lines go (never payloads). Default: stderr. Errors kafkajs retries by itself
   * (a partition leader moving: NOT_LEADER…, LEADER_NOT_AVAILABLE) arrive as `warn`, marked retried.
   */
  log?: (level: 'error' | 'warn' | 'info', message: string) => void;
}

/** Broker answers kafkajs handles by refreshing metadata and retrying: not failures of the caller. */
const RETRIED = /NOT_LEADER|LEADER_NOT_AVAILABLE|not the leader|no leader|leadership election|NOT_COORDINATOR|COORDINATOR_LOAD_IN_PROGRESS|REBALANCE_IN_PROGRESS/i;

/**
 * The level and text of one kafkajs log entry: an error kafkajs retries by itself (a moved partition
 * leader during `publish`) is a `warn` marked "retried", not an `error` — the call still succeeds.
 */
export function classifyKafkaLog(level: logLevel, entry: { message: string; error?: unknown; retriable?: unknown }): { level: 'error' | 'warn' | 'info'; message: string } {
  const { message, error, retriable } = entry;
  const extra = error ? ` (${String(error)})` : '';
  const retried = retriable === true || RETRIED.test(`${message} ${String(error ?? '')}`);
  const name = level === logLevel.ERROR && !retried ? 'error' : level <= logLevel.WARN ? 'warn' : 'info';
  return { level: name, message: `${message}${extra}${retried ? ' — retried' : ''}` };
}

/** A kafkajs client with quiet, structured logging. */
export function createKafka(config: KafkaClientConfig): Kafka {
  const log = config.log ?? ((level, message) => process.stderr.write(`kafka ${level}: ${message}\n`));
  const creator: logCreator = () => ({ level, log: entry }) => {
    const line = classifyKafkaLog(level, entry);
    log(line.level, line.message);
  };
  return new Kafka({
    clientId: config.clientId ?? 'citypulse',
    brokers: config.brokers,
    logLevel: logLevel.ERROR,
    logCreator: creator,
    retry: { initialRetryTime: 300, retries: 30, maxRetryTime: 5_000 },
  });
}
