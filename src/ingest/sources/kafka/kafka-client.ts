import { Kafka, logLevel, type logCreator } from 'kafkajs';

/** How to reach Kafka. */
export interface KafkaClientConfig {
  /** Bootstrap brokers, e.g. ['127.0.0.1:9092']. */
  brokers: string[];
  /** Client id shown in broker logs. Default `citypulse`. */
  clientId?: string;
  /** Where kafkajs' own log lines go (never payloads). Default: warnings and errors to stderr. */
  log?: (level: 'error' | 'warn' | 'info', message: string) => void;
}

/** Parses `--brokers a:9092,b:9092`. */
export function parseBrokers(text: string | undefined): string[] {
  const list = (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new RangeError('no Kafka brokers given (use --brokers host:port or $CITYPULSE_BROKERS)');
  for (const b of list) if (!/^[^:\s]+:\d+$/.test(b)) throw new RangeError(`broker "${b}" is not host:port`);
  return list;
}

/** A kafkajs client with quiet, structured logging. */
export function createKafka(config: KafkaClientConfig): Kafka {
  const log = config.log ?? ((level, message) => process.stderr.write(`kafka ${level}: ${message}\n`));
  const creator: logCreator = () => ({ level, log: entry }) => {
    const name = level === logLevel.ERROR ? 'error' : level === logLevel.WARN ? 'warn' : 'info';
    const { message, ...rest } = entry;
    const extra = rest.error ? ` (${String(rest.error)})` : '';
    log(name, `${message}${extra}`);
  };
  return new Kafka({
    clientId: config.clientId ?? 'citypulse',
    brokers: config.brokers,
    logLevel: logLevel.ERROR,
    logCreator: creator,
    retry: { initialRetryTime: 300, retries: 30, maxRetryTime: 5_000 },
  });
}
