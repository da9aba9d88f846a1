import { FIX_KIND, SIGNALLING_KINDS } from '../../schemas/events.ts';

/**
 * The kinds the batch comparison's stored events may have: the network's signalling kinds and a
 * location fix's. Both engines store `kind` as an enum of these (DuckDB `ENUM`, PostgreSQL
 * `CREATE TYPE … AS ENUM`); the locating step refuses any other.
 */
export const BATCH_KINDS: readonly string[] = [...SIGNALLING_KINDS, FIX_KIND];
