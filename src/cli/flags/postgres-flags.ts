import type { CheckpointMirror } from '../../outputs/checkpoint-mirror.ts';
import { createPostgresMirror } from '../../outputs/postgres/postgres-mirror.ts';

/** Flags of `stream` for the PostgreSQL mirror. */
export const POSTGRES_FLAGS = {
  postgres: { type: 'string' },
  'postgres-schema': { type: 'string', default: 'citypulse' },
} as const;

/** Help text for {@link POSTGRES_FLAGS}. */
export const POSTGRES_FLAGS_HELP = `  --postgres URL           also mirror presence, hourly OD and alerts into PostgreSQL, exactly once
                           (postgres://user[:password]@host:5432/database; default $CITYPULSE_POSTGRES_URL,
                           which keeps a password out of the process list). Several processes of one
                           group may share it: its views sum them (docs/postgres.md)
  --postgres-schema NAME   schema of the tables and views, created on first use (default citypulse);
                           one consumer group per schema`;

/**
 * The PostgreSQL mirror the flags ask for (`--postgres`, else `$CITYPULSE_POSTGRES_URL`), or null. The
 * URL and schema name are checked here, before anything connects.
 */
export function postgresMirrorFromFlags(v: Record<string, unknown>, env: NodeJS.ProcessEnv, group: string, log: (message: string) => void): CheckpointMirror | null {
  const url = typeof v.postgres === 'string' ? v.postgres : env.CITYPULSE_POSTGRES_URL;
  if (url === undefined || url === '') return null;
  return createPostgresMirror({ url, schema: String(v['postgres-schema'] ?? 'citypulse'), group, log });
}
