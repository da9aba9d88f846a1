// Heads published from a writing process (the plugin `stream --ledger-topic` uses) reach a witness
// that checks each against the last with the attached consistency proof. Real broker, real DuckDB.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbLedger } from '../../src/audit/duckdb/duckdb-ledger.ts';
import { createHeadPublishing } from '../../src/audit/plugin/head-publishing.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { withTransaction } from '../../src/outputs/duckdb/with-transaction.ts';
import { ensureBroker, uniqueTopic } from '../kafka/broker.ts';
import { cli } from '../support/cli.ts';

const broker = await ensureBroker();
const dir = mkdtempSync(join(tmpdir(), 'citypulse-heads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(broker.skipped)('head publishing plugin → audit witness', () => {
  it('publishes each new head once, with a proof from the previous one; the witness accepts the chain', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(join(dir, 'pub.pem'), publicKey.export({ format: 'pem', type: 'spki' }));
    const topic = uniqueTopic('ledger-heads');
    const db = await openDatabase(':memory:', { createSchema: false });
    const ledger = new DuckDbLedger({ privateKey });
    const kafka = new Kafka({ clientId: 'heads-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const errors: Error[] = [];
    const plugin = createHeadPublishing({ ledger, producer: kafka.producer({ allowAutoTopicCreation: true }), topic, onError: (e) => errors.push(e) });
    const step = async (n: number) => {
      await withTransaction(db.connection, async () => {
        await ledger.append(db.connection, Array.from({ length: n }, (_, i) => ({ entry: { type: 'operation' as const, at: `t${i}`, op: 'ingest_run' as const, details: { i } } })));
        await plugin.flush(db.connection);
      });
      await plugin.afterCommit!();
    };
    await step(3);
    await step(4);
    // Nothing new: nothing sent.
    await withTransaction(db.connection, () => plugin.flush(db.connection));
    await plugin.afterCommit!();
    await step(1);
    await plugin.close!();
    db.close();
    expect(errors).toEqual([]);
    expect(plugin.sent).toBe(3);
    const w = await cli(['audit', 'witness', '--brokers', broker.brokers.join(','), '--topic', topic, '--state', join(dir, 'w'), '--public-key', join(dir, 'pub.pem'), '--until-idle', '4s']);
    expect(w.code).toBe(0);
    expect(w.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0] + ' ' + /size (\d+)/.exec(l)![1])).toEqual(['first 3', 'extends 7', 'extends 8']);
    expect(w.stderr).toMatch(/witness: 3 heads read/);
  }, 120_000);
});
