/**
 * A stream process for tests of the device-level seam: `runStream` with the presence-check device
 * consumer. Run as `node test/support/stream-presence-check.ts '<json config>'` (killable with kill -9);
 * the JSON holds brokers, topic, group, cells, db, window/lateness ms and exit-when-idle ms.
 */
import { runStream } from '../../pipelines/stream-runner.ts';
import { loadCells, pseudonymiserFromEnv } from '../../src/config/pipeline-options.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { presenceCheckPlugin } from './presence-check-consumer.ts';

const c = JSON.parse(process.argv[2]!) as {
  brokers: string[];
  topic: string;
  group: string;
  cells: string;
  db: string;
  windowMs: number;
  latenessMs: number;
  exitWhenIdleMs: number;
  checkpointIntervalMs: number;
};
const ac = new AbortController();
process.on('SIGTERM', () => ac.abort());
const db = await openDatabase(c.db);
try {
  const r = await runStream({
    brokers: c.brokers,
    topics: [c.topic],
    groupId: c.group,
    cells: loadCells(c.cells, 9),
    pseudonymiser: pseudonymiserFromEnv(process.env).pseudonymiser,
    connection: db.connection,
    windowMs: c.windowMs,
    latenessMs: c.latenessMs,
    exitWhenIdleMs: c.exitWhenIdleMs,
    partitionIdleMs: 10_000,
    checkpointIntervalMs: c.checkpointIntervalMs,
    deadLetterTopic: null,
    deviceConsumers: [presenceCheckPlugin],
    signal: ac.signal,
    log: (m) => process.stderr.write(`stream: ${m}\n`),
  });
  process.stdout.write(JSON.stringify(r) + '\n');
} finally {
  db.close();
}
