import { isRetriable } from '../../../core/citypulse-error.ts';

/**
 * True when a failure may pass by waiting (retry later) rather than stop the run: an error marked
 * `retriable` (citypulse's or kafkajs'), or any kafkajs error — kafkajs gives up with non-retriable
 * wrappers (`KafkaJSNumberOfRetriesExceeded`) during a broker outage that a later attempt survives.
 * Anything else (a DuckDB failure, a bug, bad input) is not transient.
 */
export function isTransient(err: unknown): boolean {
  if (isRetriable(err)) return true;
  const name = typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name.startsWith('KafkaJS');
}
