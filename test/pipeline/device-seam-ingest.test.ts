import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runIngest } from '../../pipelines/run-ingest.ts';
import { lineBatches } from '../../src/ingest/sources/line-batches.ts';
import { CellTable } from '../../src/locate/cell-table.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { Pseudonymiser } from '../../src/privacy/pseudonymiser.ts';
import { PRESENCE_CHECK_DIFF_SQL, presenceCheckPlugin } from '../support/presence-check-consumer.ts';
import { writeSyntheticScenario } from '../support/synthetic.ts';

const dir = mkdtempSync(join(tmpdir(), 'citypulse-seam-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('device-level seam in ingest', () => {
  it('a consumer rebuilding present per (window, cell) from per-device output equals the presence table', async () => {
    const sc = writeSyntheticScenario(join(dir, 's'), { seed: 31, devices: 400, events: 15_000, start: Date.UTC(2026, 2, 2, 5, 0), spacingMs: 900, jitterMs: 60_000, badEvery: 300 });
    const db = await openDatabase(join(dir, 'seam.duckdb'));
    try {
      const summary = await runIngest({
        connection: db.connection,
        batches: lineBatches(createReadStream(sc.events)),
        sourceName: sc.events,
        cells: CellTable.fromCsv(readFileSync(sc.cells, 'utf8'), 9),
        pseudonymiser: new Pseudonymiser({ key: new Uint8Array(32).fill(3) }),
        flushEvery: 2_000,
        deviceConsumers: [presenceCheckPlugin],
      });
      expect(summary.stats.accepted).toBeGreaterThan(10_000);
      const diff = (await db.connection.runAndReadAll(PRESENCE_CHECK_DIFF_SQL)).getRowsJS();
      expect(diff).toEqual([]);
      const [[n, present]] = (await db.connection.runAndReadAll(`SELECT (SELECT count(*) FROM presence_check), (SELECT sum(present) FROM presence)`)).getRowsJS() as [[bigint, bigint]];
      expect(n).toBe(present);
      expect(Number(n)).toBeGreaterThan(2_000);
      // Device ids are pseudonymous: no raw IMSI (15 digits) in the consumer's table.
      const raw = (await db.connection.runAndReadAll(`SELECT count(*) FROM presence_check WHERE regexp_matches(device, '^[0-9]{15}$')`)).getRowsJS();
      expect(raw).toEqual([[0n]]);
    } finally {
      db.close();
    }
  }, 120_000);
});
