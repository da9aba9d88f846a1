import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { CitypulseError, UserInputError } from '../../src/core/citypulse-error.ts';
import { bounded, onCrash } from '../../src/ingest/sources/kafka/consumer-supervisor.ts';
import { isTransient } from '../../src/ingest/sources/kafka/is-transient.ts';

describe('retry or stop', () => {
  it('isTransient: retriable errors and kafkajs errors may pass; anything else does not', () => {
    expect(isTransient(new CitypulseError('broker away', { retriable: true }))).toBe(true);
    expect(isTransient(new KafkaJSConnectionError('refused'))).toBe(true);
    // kafkajs gives up with a non-retriable wrapper during a broker outage: still worth a new consumer
    expect(isTransient(new KafkaJSNumberOfRetriesExceeded(new Error('x'), { retryCount: 5, retryTime: 100 }))).toBe(true);
    expect(isTransient(new UserInputError('mixed partitions'))).toBe(false);
    expect(isTransient(new Error('DuckDB: disk full'))).toBe(false);
    expect(isTransient('nope')).toBe(false);
  });

  it('onCrash: kafkajs restarts → ignore; transient → replace the consumer; otherwise stop', () => {
    expect(onCrash({ error: new Error('x'), restart: true }, false)).toBe('ignore');
    expect(onCrash({ error: new KafkaJSConnectionError('refused'), restart: false }, true)).toBe('ignore');
    expect(onCrash({ error: new KafkaJSConnectionError('refused'), restart: false }, false)).toBe('replace');
    expect(onCrash({ error: new TypeError('bug'), restart: false }, false)).toBe('stop');
  });

  it('bounded: never waits longer than asked, never throws', async () => {
    const t0 = performance.now();
    await bounded(new Promise(() => {}), 50);
    await bounded(Promise.reject(new Error('x')), 1_000);
    expect(performance.now() - t0).toBeLessThan(900);
  });
});
