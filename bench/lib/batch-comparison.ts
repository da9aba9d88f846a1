import { FIX_KIND, SIGNALLING_KINDS } from '../../schemas/events.ts';

/**
 * The kinds the batch comparison's stored events may have: the network's signalling kinds and a
 * location fix's. Both engines store `kind` as an enum of these (DuckDB `ENUM`, PostgreSQL
 * `CREATE TYPE … AS ENUM`); the locating step refuses any other.
 */
export const BATCH_KINDS: readonly string[] = [...SIGNALLING_KINDS, FIX_KIND];

/** The enum type both engines create for `kind`: `ENUM ('attach', …)`. */
export const BATCH_KIND_ENUM = `ENUM (${BATCH_KINDS.map((k) => `'${k}'`).join(', ')})`;

/**
 * Statements timed after the first in each engine's process or session; the reported time is their
 * median. The first statement (reported as `firstSeconds`) pays start-up, and DuckDB goes on warming
 * through the second (its allocator and thread pool growing to the query's working set: ~610, ~480,
 * then 400–450 ms in one process here), so a steady state is what an analyst's long-lived session
 * sees. PostgreSQL's statements are timed the same way.
 */
export const STEADY_STATEMENTS = 3;
