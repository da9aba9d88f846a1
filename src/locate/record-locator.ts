import type { LocatedEvent } from '../../schemas/events.ts';
import type { Rejection } from '../ingest/errors.ts';
import { validateRecord } from '../ingest/validate.ts';
import type { DeadLetter } from '../core/pipeline-sink.ts';
import type { Pseudonymiser } from '../privacy/pseudonymiser.ts';
import { maskDigits, redactPayload } from '../privacy/redact.ts';
import type { CellTable } from './cell-table.ts';
import { locateRecord } from './locator.ts';

/** Configuration of a {@link RecordLocator}. */
export interface RecordLocatorConfig {
  cells: CellTable;
  pseudonymiser: Pseudonymiser;
}

/**
 * The per-record stages before windowing — validate → pseudonymise → locate — as one step that turns
 * a decoded JSON value into a located event or a dead letter (with its IMSIs redacted). Stateless
 * apart from the wall clock, so every record's fate depends only on the record.
 */
export class RecordLocator {
  readonly #cells: CellTable;
  readonly #pseudo: Pseudonymiser;

  constructor(config: RecordLocatorConfig) {
    this.#cells = config.cells;
    this.#pseudo = config.pseudonymiser;
  }

  /** Locates one record. `raw` is the original text when the record was a whole line/message. */
  locate(value: unknown, nowMs: number, source: string, position: string, raw: string | null): LocatedEvent | DeadLetter {
    const rec = validateRecord(value, nowMs);
    if ('reason' in rec) return this.deadLetter(source, position, raw ?? safeStringify(value), rec, looseTs(value));
    const device = this.#pseudo.pseudonym(rec.imsi, rec.ts);
    const ev = locateRecord(rec, device, this.#cells);
    if ('reason' in ev) return this.deadLetter(source, position, raw ?? safeStringify(value), ev, rec.ts);
    const mcc = mccOf(rec.imsi);
    if (mcc !== null) ev.mcc = mcc;
    return ev;
  }

  /** A dead letter for `raw`, redacted: payload by structure, and the detail's digit runs masked (a parser's message may quote the input). */
  deadLetter(source: string, position: string, raw: string, r: Rejection, eventTs: number | null): DeadLetter {
    return {
      source,
      position,
      reason: r.reason,
      detail: maskDigits(r.detail),
      payload: redactPayload(raw, (imsi) => this.#pseudo.pseudonym(imsi)),
      eventTs,
    };
  }
}

/** True when a {@link RecordLocator.locate} result is a dead letter. */
export function isDeadLetter(v: LocatedEvent | DeadLetter): v is DeadLetter {
  return 'reason' in v;
}

/** The 1,000 possible MCC strings, made once each: a device's state then shares one, not a slice per record. */
const MCCS: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** The MCC (first 3 digits) of an IMSI, or null when it does not start with 3 digits. Never the IMSI. */
export function mccOf(imsi: string): string | null {
  const c0 = imsi.charCodeAt(0) - 48, c1 = imsi.charCodeAt(1) - 48, c2 = imsi.charCodeAt(2) - 48;
  return c0 >= 0 && c0 <= 9 && c1 >= 0 && c1 <= 9 && c2 >= 0 && c2 <= 9 ? MCCS[c0 * 100 + c1 * 10 + c2]! : null;
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** The event time of a rejected record when it can be read and stored; else null. */
function looseTs(v: unknown): number | null {
  if (typeof v !== 'object' || v === null) return null;
  const ts = (v as { ts?: unknown }).ts;
  const ms = typeof ts === 'number' ? ts : typeof ts === 'string' ? Date.parse(ts) : NaN;
  return Number.isInteger(ms) && ms > 0 && ms < 1e13 ? ms : null;
}
