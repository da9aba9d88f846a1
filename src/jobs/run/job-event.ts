import type { JobRunStatus, RunTrigger } from './job-run.ts';

/** Typed events the scheduler reports; the CLI prints them as lines or JSON. */
export type JobEvent =
  | { type: 'attempt.start'; job: string; scheduledFor: number; attempt: number; trigger: RunTrigger }
  | { type: 'attempt.end'; job: string; scheduledFor: number; attempt: number; status: JobRunStatus; ms: number; rows: number | null; error: string | null; retryInMs: number | null }
  | { type: 'slot.held'; job: string; scheduledFor: number }
  | { type: 'slot.settled'; job: string; scheduledFor: number }
  | { type: 'slot.overlap'; job: string; scheduledFor: number }
  | { type: 'slots.skipped'; job: string; count: number; firstMs: number; lastMs: number }
  | { type: 'scheduler.error'; job: string | null; error: string };

/** Receives {@link JobEvent}s. */
export type JobLogger = (event: JobEvent) => void;
