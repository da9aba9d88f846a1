/** What kind of data a retained item is; decides its default age. */
export const DATA_CLASSES = ['raw-input', 'per-device', 'aggregate', 'operations'] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

/** How one table (or file set) ages out. */
export interface RetentionRule {
  /** The column dating a row (its end for windows); null for file sets (lake, outputs). */
  dateColumn: string | null;
  dataClass: DataClass;
  /** Default age in days; null: the job's `maxAge` (default 30 days). */
  defaultDays: number | null;
  /** Why it is kept that long, for the report and docs. */
  why: string;
}

/**
 * THE retention policy of citypulse, one declared table (docs/privacy.md#retention). The `retention`
 * job enforces it; `citypulse retention report` shows what is held and until when. Ages are relative
 * to the run's slot time; an operator can override any age in `jobs.retention.options.ages`, or all
 * of them at once with `maxAge` (which also caps the shorter defaults).
 *
 * - raw input (dead letters; payloads redacted, still one subscriber's record): 7 days, enough to
 *   diagnose a feed and reprocess;
 * - per-device data (pseudonymous device ids: late events; the coming stays, trips, home/work): 7 days
 *   for late events, 30 days for mobility tables (long enough for monthly OD products);
 * - aggregates (presence per window and cell, lake partitions, exports): `maxAge` (30 days);
 * - operations (job runs, retention log, DP budget): job runs `maxAge`; the DP budget and the retention
 *   log are kept 400 days (accountability: what was spent and destroyed).
 */
export const RETENTION_POLICY = {
  dead_letters: { dateColumn: 'ingested_at', dataClass: 'raw-input', defaultDays: 7, why: 'diagnose and reprocess a broken feed' },
  late_events: { dateColumn: 'event_ts', dataClass: 'per-device', defaultDays: 7, why: 'count and inspect late data' },
  stays: { dateColumn: 'end_ts', dataClass: 'per-device', defaultDays: 30, why: 'monthly mobility products' },
  trips: { dateColumn: 'end_ts', dataClass: 'per-device', defaultDays: 30, why: 'monthly mobility products' },
  home_work: { dateColumn: 'updated_at', dataClass: 'per-device', defaultDays: 30, why: 'monthly mobility products' },
  device_mcc: { dateColumn: 'last_seen', dataClass: 'per-device', defaultDays: 30, why: 'inbound roamers by country (population, monthly)' },
  device_cells: { dateColumn: 'day_end', dataClass: 'per-device', defaultDays: 30, why: 'people in transit (population, monthly)' },
  traffic_hops: { dateColumn: 'exit_ts', dataClass: 'per-device', defaultDays: 30, why: 'corridor speeds, night free flow, forecasts (docs/traffic.md)' },
  presence: { dateColumn: 'window_end', dataClass: 'aggregate', defaultDays: null, why: 'heatmaps, releases, baselines' },
  area_visitors: { dateColumn: 'window_end', dataClass: 'aggregate', defaultDays: null, why: 'live visitors of watched areas by origin' },
  job_runs: { dateColumn: 'started', dataClass: 'operations', defaultDays: null, why: 'schedule catch-up and audit' },
  privacy_budget: { dateColumn: 'released_at', dataClass: 'operations', defaultDays: 400, why: 'account the ε spent' },
  retention_log: { dateColumn: 'run_at', dataClass: 'operations', defaultDays: 400, why: 'prove what was destroyed' },
  lake: { dateColumn: null, dataClass: 'aggregate', defaultDays: null, why: 'analyst reads of presence' },
  outputs: { dateColumn: null, dataClass: 'aggregate', defaultDays: null, why: 'released exports and reports' },
} as const satisfies Record<string, RetentionRule>;

export type RetainedItem = keyof typeof RETENTION_POLICY;

const DAY = 86_400_000;

/**
 * The age of every item, in ms: an explicit `ages` entry wins; else the declared default, capped by
 * `maxAgeMs` when `maxAgeMs` was set by the operator; items without a default take `maxAgeMs`.
 */
export function resolveRetentionAges(maxAgeMs: number, ages: Partial<Record<RetainedItem, number>> = {}): Record<RetainedItem, number> {
  const out = {} as Record<RetainedItem, number>;
  for (const [item, rule] of Object.entries(RETENTION_POLICY) as [RetainedItem, RetentionRule][]) {
    out[item] = ages[item] ?? (rule.defaultDays === null ? maxAgeMs : rule.dataClass === 'operations' ? rule.defaultDays * DAY : Math.min(rule.defaultDays * DAY, maxAgeMs));
  }
  return out;
}
