import { UserInputError } from './citypulse-error.ts';

/** The brokers used when neither `--brokers` nor `$CITYPULSE_BROKERS` names any. */
export const DEFAULT_BROKERS = '127.0.0.1:9092';

/**
 * Parses a broker list such as `a:9092,b:9092`.
 * @throws UserInputError for an empty list or an entry that is not host:port.
 */
export function parseBrokers(text: string | undefined): string[] {
  const list = (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new UserInputError('no Kafka brokers given (use --brokers host:port or $CITYPULSE_BROKERS)', { field: '--brokers' });
  for (const b of list) if (!/^[^:\s]+:\d+$/.test(b)) throw new UserInputError(`--brokers: broker "${b}" is not host:port`, { field: '--brokers' });
  return list;
}

/**
 * Kafka brokers from the `--brokers` flag, else `$CITYPULSE_BROKERS` (passed in by the entry point),
 * else {@link DEFAULT_BROKERS}.
 * @throws UserInputError for a bad list.
 */
export function brokersArg(flag: unknown, env: Readonly<Record<string, string | undefined>>): string[] {
  return parseBrokers(typeof flag === 'string' ? flag : (env.CITYPULSE_BROKERS ?? DEFAULT_BROKERS));
}
