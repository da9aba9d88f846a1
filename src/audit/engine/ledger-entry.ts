/**
 * What the ledger records. Closed set; every entry is canonical JSON (see {@link canonicalJson}) of
 * one of these shapes, and holds no raw identifiers — pseudonymous or aggregate data only.
 */
export const LEDGER_ENTRY_TYPES = ['alert', 'release', 'access', 'operation'] as const;
export type LedgerEntryType = (typeof LEDGER_ENTRY_TYPES)[number];

/** Operations that change state. */
export const LEDGER_OPERATIONS = ['ingest_run', 'zones_loaded', 'cells_loaded', 'retention_run', 'key_created', 'token_created', 'token_revoked', 'job_run'] as const;
export type LedgerOperation = (typeof LEDGER_OPERATIONS)[number];

/** An alert state change: which event, and the SHA-256 of its stored row (canonical JSON). */
export interface AlertLedgerEntry {
  type: 'alert';
  at: string;
  alert_id: string;
  seq: number;
  state: string;
  level: string;
  kind: string;
  area_id: string;
  window_start: string;
  /** SHA-256 (hex) of the canonical JSON of the `alerts` row (see alertRowDigest). */
  row_sha256: string;
}

/** A release or export: what, with which parameters and k, the files written and for whom. */
export interface ReleaseLedgerEntry {
  type: 'release';
  at: string;
  what: string;
  params: Record<string, unknown>;
  k: number | null;
  files: { name: string; sha256: string }[];
  for: string | null;
}

/** One API access: token name (never the token), route, parameters, status. */
export interface AccessLedgerEntry {
  type: 'access';
  at: string;
  token: string | null;
  method: string;
  route: string;
  params: Record<string, string>;
  status: number;
}

/** An operation that changes state (ingest run, zones loaded, key or token change…). */
export interface OperationLedgerEntry {
  type: 'operation';
  at: string;
  op: LedgerOperation;
  details: Record<string, unknown>;
}

export type LedgerEntry = AlertLedgerEntry | ReleaseLedgerEntry | AccessLedgerEntry | OperationLedgerEntry;

/** The reference of an alert event in the ledger's `ref` column: `alert:<alert_id>#<seq>`. */
export function alertRef(alertId: string, seq: number): string {
  return `alert:${alertId}#${seq}`;
}
