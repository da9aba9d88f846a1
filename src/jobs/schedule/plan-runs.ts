import type { CronSchedule } from './cron-schedule.ts';
import { slotsBetween } from './slots.ts';

/** What to do with slots missed while no scheduler was running. */
export const CATCH_UP_POLICIES = ['catch_up', 'skip'] as const;
export type CatchUpPolicy = (typeof CATCH_UP_POLICIES)[number];

/** Inputs of {@link planRuns}. */
export interface PlanInput {
  schedule: CronSchedule;
  timeZone: string;
  policy: CatchUpPolicy;
  /** Slots after this instant are candidates: the last recorded `scheduled_for`, else the scheduler's start. */
  sinceMs: number;
  nowMs: number;
  /** A slot at most this old is on time, not missed. */
  graceMs: number;
  /** `catch_up` runs at most this many missed slots (the newest); older ones are skipped. */
  maxCatchUp: number;
}

/** Missed slots that will not run: how many, and the first and last of them. */
export interface SkippedSlots {
  count: number;
  firstMs: number;
  lastMs: number;
}

/** The slots to run now (oldest first) and the ones given up. */
export interface RunPlan {
  run: number[];
  skipped: SkippedSlots | null;
}

const planners: Record<CatchUpPolicy, (due: number[], input: PlanInput) => number[]> = {
  // Every missed slot, oldest first, bounded so a long outage cannot queue days of work.
  catch_up: (due, input) => due.slice(-input.maxCatchUp),
  // Only the newest slot, and only while it is on time.
  skip: (due, input) => {
    const last = due[due.length - 1];
    return last !== undefined && input.nowMs - last <= input.graceMs ? [last] : [];
  },
};

/**
 * Decides which due slots — those in `(sinceMs, nowMs]` — run now, per the job's policy.
 * Pure: the scheduler records the skipped slots and runs the rest.
 * @example
 * // a daily 12:00 job, down from 10:00 to 14:00: catch_up runs the 12:00 slot at 14:00, skip records it skipped
 */
export function planRuns(input: PlanInput): RunPlan {
  const due = slotsBetween(input.schedule, input.sinceMs, input.nowMs, input.timeZone);
  const run = planners[input.policy](due, input);
  const skippedCount = due.length - run.length;
  if (skippedCount === 0) return { run, skipped: null };
  const skippedSlots = due.slice(0, skippedCount);
  // In both policies the skipped slots are the oldest ones (run is a suffix of due).
  return { run, skipped: { count: skippedCount, firstMs: skippedSlots[0]!, lastMs: skippedSlots[skippedCount - 1]! } };
}
