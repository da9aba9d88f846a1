// The DuckDB ledger beside the alerts table: every tampering — edit, delete, insert or reorder an
// alert; truncate or rewrite the ledger; a forked head — is found, and named. Real DuckDB, in memory.
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../schemas/alert.ts';
import { createAlertsTable } from '../../src/alerts/duckdb/alerts-table.ts';
import { writeAlerts } from '../../src/alerts/duckdb/write-alerts.ts';
import { alertRowDigests } from '../../src/audit/duckdb/alert-row-digests.ts';
import { DuckDbLedger } from '../../src/audit/duckdb/duckdb-ledger.ts';
import { readHeads, readLatestHead, readLedgerRows } from '../../src/audit/duckdb/read-ledger.ts';
import { auditLedger } from '../../src/audit/engine/audit-ledger.ts';
import { leafHash } from '../../src/audit/engine/merkle-hash.ts';
import { signTreeHead, type SignedTreeHead } from '../../src/audit/engine/tree-head.ts';
import { createAlertLedgerRecorder } from '../../src/audit/plugin/alert-ledger-recorder.ts';
import { judgeHead } from '../../src/audit/witness/judge-head.ts';
import { openDatabase, type Database } from '../../src/outputs/duckdb/open.ts';
import { withTransaction } from '../../src/outputs/duckdb/with-transaction.ts';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const T0 = Date.UTC(2026, 2, 2, 18, 0);

function alert(id: string, seq: number, windowStart: number, people: number): Alert {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    alert_id: id, seq, area_id: 'stadium', area_name: 'Stadio', kind: 'capacity', level: seq === 0 ? 'notice' : 'warning', previous_level: seq === 0 ? null : 'notice',
    peak_level: seq === 0 ? 'notice' : 'warning', state: seq === 0 ? 'open' : 'escalated', window_start: iso(windowStart), window_end: iso(windowStart + 900_000),
    opened_window_start: iso(T0), devices: people, people, capacity: 1000, occupancy: people / 1000, area_km2: 3.1, density_per_km2: people / 3.1, value: people,
    threshold: 600, forecast_people: null, forecast_at: null, baseline_people: null, z_score: null, message: `Stadio: ${people}`, window_closed_at: iso(windowStart + 900_001), emitted_at: iso(windowStart + 900_002),
  };
}

let db: Database;
let ledger: DuckDbLedger;
const sql = (q: string) => db.connection.run(q);

/** Stores alerts and their ledger entries in one transaction, as the alerts plugin does. */
async function store(alerts: Alert[]): Promise<Map<string, number>> {
  const recorder = createAlertLedgerRecorder(ledger, () => T0 + 3_600_000);
  return withTransaction(db.connection, async () => {
    await writeAlerts(db.connection, alerts);
    return recorder.record(db.connection, alerts);
  });
}

async function audit(keptHead?: SignedTreeHead) {
  const c = db.connection;
  return auditLedger({ rows: await readLedgerRows(c), heads: await readHeads(c), alertRows: await alertRowDigests(c), publicKey, keptHead });
}

beforeEach(async () => {
  db = await openDatabase(':memory:', { createSchema: false });
  await createAlertsTable(db.connection);
  ledger = new DuckDbLedger({ privateKey, now: () => T0 + 3_600_000 });
  await store([alert('a1', 0, T0, 650), alert('b2', 0, T0, 640)]);
  await store([alert('a1', 1, T0 + 900_000, 820)]);
  await withTransaction(db.connection, () => ledger.append(db.connection, [{ entry: { type: 'operation', at: new Date(T0).toISOString(), op: 'ingest_run', details: { records: 10 } } }]));
  await store([alert('c3', 0, T0 + 1_800_000, 700)]);
});
afterEach(() => db.close());

describe('an intact ledger', () => {
  it('verifies: 5 entries, every alert checked, indices handed back and stable on replay', async () => {
    const r = await audit();
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({ ok: true, size: 5, alertsChecked: 4, headsChecked: 4 });
    const head = (await readLatestHead(db.connection))!;
    expect(head).toMatchObject({ size: 5, root_hash: r.root });
    // A replay that writes the same events again appends nothing and answers the stored indices.
    const again = await store([alert('a1', 1, T0 + 900_000, 820)]);
    expect(again.get('alert:a1#1')).toBe(2);
    expect((await audit()).size).toBe(5);
  });

  it('the kept head proves the log only grew after more appends', async () => {
    const kept = (await readLatestHead(db.connection))!;
    await store([alert('c3', 1, T0 + 2_700_000, 900)]);
    const r = await audit(kept);
    expect(r.ok).toBe(true);
    expect(r.size).toBe(6);
  });
});

describe('tampering is found and named', () => {
  it('an edited alert row', async () => {
    await sql(`UPDATE alerts SET people = 100 WHERE alert_id = 'a1' AND seq = 1`);
    const r = await audit();
    expect(r.ok).toBe(false);
    expect(r.problems[0]!.message).toBe('alert a1#1 (ledger entry 2) was edited in the alerts table: its row no longer matches the recorded hash');
  });

  it('a deleted alert row', async () => {
    await sql(`DELETE FROM alerts WHERE alert_id = 'b2'`);
    expect((await audit()).problems.map((p) => p.message)).toEqual(['alert b2#0 (ledger entry 1) was deleted from the alerts table']);
  });

  it('an inserted alert row', async () => {
    await writeAlerts(db.connection, [alert('zz', 0, T0, 999)]);
    expect((await audit()).problems.map((p) => p.message)).toEqual(['alert zz#0 is in the alerts table but not in the ledger (added)']);
  });

  it('reordered alert entries (even with their leaf hashes moved along)', async () => {
    await sql(`UPDATE ledger SET idx = CASE idx WHEN 0 THEN 1 ELSE 0 END WHERE idx IN (0, 1)`);
    const r = await audit();
    expect(r.ok).toBe(false);
    expect(r.problems[0]!.message).toMatch(/^the signed head of size \d does not match entries 0\.\.\d: the ledger was rewritten$/);
  });

  it('an edited ledger entry', async () => {
    await sql(`UPDATE ledger SET entry = replace(entry, '"state":"escalated"', '"state":"open"') WHERE idx = 2`);
    expect((await audit()).problems[0]!.message).toBe('entry 2: its stored leaf hash does not match its text (the entry was edited)');
  });

  it('a rewritten ledger with recomputed leaf hashes (but no signing key)', async () => {
    const rows = await readLedgerRows(db.connection);
    const text = rows[3]!.entry.replace('"records":10', '"records":11');
    await sql(`UPDATE ledger SET entry = '${text}', leaf_hash = '${leafHash(text).toString('hex')}' WHERE idx = 3`);
    const r = await audit();
    expect(r.problems[0]).toEqual({ index: 3, message: 'the signed head of size 4 does not match entries 0..3: the ledger was rewritten' });
  });

  it('a truncated ledger', async () => {
    await sql('DELETE FROM ledger WHERE idx >= 3');
    const r = await audit();
    expect(r.problems[0]!.message).toBe('a signed head covers 4 entries but the ledger holds 3: entries 3..3 were removed (truncated)');
    expect(r.problems.map((p) => p.message)).toContain('alert c3#0 is in the alerts table but not in the ledger (added)');
  });

  it('a truncated ledger and heads: the head a recipient kept still tells', async () => {
    const kept = (await readLatestHead(db.connection))!;
    await sql('DELETE FROM ledger WHERE idx >= 3; DELETE FROM ledger_heads WHERE size > 3');
    await sql(`DELETE FROM alerts WHERE alert_id = 'c3'`);
    const r = await audit(kept);
    expect(r.problems.map((p) => p.message)).toEqual(['the kept head covers 5 entries but the ledger holds 3: the log was truncated']);
  });

  it('a deleted middle entry', async () => {
    await sql('DELETE FROM ledger WHERE idx = 3');
    expect((await audit()).problems[0]!.message).toBe('entry 3 is missing (the next stored entry has index 4): entries were deleted or renumbered');
  });

  it('a forked history re-signed with the key: the kept head and a witness catch it', async () => {
    const kept = (await readLatestHead(db.connection))!;
    // The operator rewrites entry 3 and re-signs every head: verify without a kept head cannot tell…
    const rows = await readLedgerRows(db.connection);
    const text = rows[3]!.entry.replace('"records":10', '"records":99');
    await sql(`UPDATE ledger SET entry = '${text}', leaf_hash = '${leafHash(text).toString('hex')}' WHERE idx = 3; DELETE FROM ledger_heads`);
    const forkLedger = new DuckDbLedger({ privateKey });
    await forkLedger.append(db.connection, [{ entry: { type: 'operation', at: 'x', op: 'retention_run', details: {} } }]);
    expect((await audit()).ok).toBe(true);
    // …but the recipient's kept head does: the new tree is no extension of it.
    const r = await audit(kept);
    expect(r.problems.map((p) => p.message)).toEqual(['the ledger is not an extension of the kept head (size 5): entries 0..4 were rewritten']);
    // A witness that kept the old head sees two roots for one size (a fork), or a failing proof.
    const forkHead = (await readLatestHead(db.connection))!;
    const sameSize = signTreeHead({ log_id: kept.log_id, size: 5, root_hash: 'ab'.repeat(32), time: kept.time }, privateKey);
    expect(judgeHead([kept], sameSize, [], publicKey).verdict).toBe('alarm');
    expect(judgeHead([kept], sameSize, [], publicKey).message).toMatch(/^FORK: /);
    const { consistencyProofFromDb } = await import('../../src/audit/duckdb/proofs-from-db.ts');
    const proof = await consistencyProofFromDb(db.connection, 5, 6);
    expect(judgeHead([kept], { ...forkHead, log_id: kept.log_id }, [proof], publicKey).verdict).toBe('alarm'); // log_id differs → bad signature
    const resigned = signTreeHead({ log_id: kept.log_id, size: 6, root_hash: forkHead.root_hash, time: forkHead.time }, privateKey);
    expect(judgeHead([kept], resigned, [proof], publicKey)).toMatchObject({ verdict: 'alarm', message: expect.stringMatching(/^FORK\/REWRITE: .* is not an extension of the kept size 5/) });
  });

  it('a head signed by another key is refused', async () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    const kept = (await readLatestHead(db.connection))!;
    const forged = signTreeHead({ log_id: kept.log_id, size: kept.size, root_hash: kept.root_hash, time: kept.time }, other);
    const r = await audit(forged);
    expect(r.problems[0]!.message).toMatch(/^the kept head: signed by key [0-9a-f]{32}, not by this public key/);
    expect(judgeHead([], forged, [], publicKey).verdict).toBe('alarm');
  });
});

describe('witness verdicts on an honest log', () => {
  it('first, extends (with a proof), duplicate, unverified without a proof, rewrite when going back', async () => {
    const h5 = (await readLatestHead(db.connection))!;
    await store([alert('c3', 1, T0 + 2_700_000, 900)]);
    const h6 = (await readLatestHead(db.connection))!;
    const { consistencyProofFromDb } = await import('../../src/audit/duckdb/proofs-from-db.ts');
    const p = await consistencyProofFromDb(db.connection, 5, 6);
    expect(judgeHead([], h5, [], publicKey).verdict).toBe('first');
    expect(judgeHead([h5], h6, [p], publicKey).verdict).toBe('extends');
    expect(judgeHead([h5], h6, [], publicKey).verdict).toBe('unverified');
    expect(judgeHead([h5, h6], h6, [], publicKey).verdict).toBe('duplicate');
    const heads = await readHeads(db.connection);
    const h2 = heads.find((h) => h.size === 2)!;
    expect(judgeHead([h5, h6], h2, [], publicKey)).toMatchObject({ verdict: 'alarm', message: expect.stringMatching(/^REWRITE: /) });
  });
});
