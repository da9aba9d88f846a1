import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latLngToCell } from 'h3-js';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { writeDeviceCells } from '../../src/population/duckdb/write-device-cells.ts';
import { ensurePopulationTables, writeDeviceMcc } from '../../src/population/duckdb/write-device-mcc.ts';
import { cli } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'citypulse-pop-retention-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DAY = 86_400_000;
const MAR1 = Date.UTC(2026, 2, 1), APR5 = Date.UTC(2026, 3, 5);
const H8 = latLngToCell(45.46, 9.19, 8);

describe('retention of the population tables', () => {
  it('the retention job purges device_mcc by last_seen and device_cells by day_end (30 days), through the CLI', async () => {
    const db = join(dir, 'cp.duckdb');
    const d = await openDatabase(db);
    try {
      await ensurePopulationTables(d.connection);
      // 'old' last seen on 1 March; 'back' seen on 1 March and again on 5 April (upsert keeps the latest).
      await writeDeviceMcc(d.connection, [{ device: 'old', mcc: '208', seen: MAR1 }, { device: 'back', mcc: '222', seen: MAR1 }]);
      await writeDeviceMcc(d.connection, [{ device: 'back', mcc: '222', seen: APR5 }, { device: 'new', mcc: '222', seen: APR5 }]);
      await writeDeviceCells(d.connection, [{ dayEnd: MAR1 + DAY, device: 'old', h3: H8 }, { dayEnd: APR5, device: 'new', h3: H8 }]);
      const rows = (await d.connection.runAndReadAll('SELECT device, mcc, epoch_ms(last_seen) FROM device_mcc ORDER BY device')).getRowsJS();
      expect(rows.map(([a, b, c]) => [a, b, Number(c)])).toEqual([['back', '222', APR5], ['new', '222', APR5], ['old', '208', MAR1]]);
    } finally {
      d.close();
    }
    const config = join(dir, 'jobs.json');
    writeFileSync(config, JSON.stringify({ db, outDir: join(dir, 'out'), lakeDir: join(dir, 'lake'), jobs: { retention: { options: { maxAge: '30d' } } } }));
    const r = await cli(['jobs', 'run', 'retention', '--for', '2026-04-10T03:45:00Z', '--config', config], { CITYPULSE_KEY: '0123456789abcdef0123456789abcdef' });
    expect(r.code, r.stderr).toBe(0);
    const after = await openDatabase(db, { readOnly: true, h3: false });
    try {
      expect((await after.connection.runAndReadAll('SELECT device FROM device_mcc ORDER BY device')).getRowsJS()).toEqual([['back'], ['new']]);
      expect((await after.connection.runAndReadAll('SELECT device FROM device_cells')).getRowsJS()).toEqual([['new']]);
      const log = Object.fromEntries((await after.connection.runAndReadAll('SELECT target, deleted FROM retention_log')).getRowsJS().map(([t, n]) => [t, Number(n)]));
      expect(log).toMatchObject({ device_mcc: 1, device_cells: 1 });
    } finally {
      after.close();
    }
  });
});
