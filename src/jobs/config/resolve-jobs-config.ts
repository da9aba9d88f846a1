import { parseDuration } from '../../core/duration.ts';
import type { JobDefinition, JobEnvironment } from '../job-definition.ts';
import type { ScheduledJob } from '../run/scheduled-job.ts';
import { parseCron } from '../schedule/cron-schedule.ts';
import { CATCH_UP_POLICIES } from '../schedule/plan-runs.ts';
import { checkTimeZone } from '../../core/zoned-time.ts';
import { JOBS_CONFIG_DEFAULTS, type JobSettings, type JobsConfig } from './jobs-config.ts';
import { checkKnownKeys } from './option-readers.ts';

/** One job with every setting decided: its scheduling as the scheduler takes it, plus its definition and options. */
export interface ResolvedJob extends Omit<ScheduledJob, 'name' | 'task'> {
  definition: JobDefinition;
  enabled: boolean;
  /** The checked options of the job. */
  options: unknown;
}

/** A {@link JobsConfig} with defaults applied and every value checked. */
export interface ResolvedJobsConfig {
  env: JobEnvironment;
  timeZone: string;
  /** In the order of the registry. */
  jobs: ResolvedJob[];
}

const TOP_KEYS = ['db', 'outDir', 'lakeDir', 'timeZone', 'busyTimeout', 'jobs'];
const JOB_KEYS = ['enabled', 'schedule', 'timeZone', 'policy', 'retries', 'timeout', 'grace', 'maxCatchUp', 'options'];

/**
 * Applies defaults to a parsed config file and checks it against the job registry: unknown keys and
 * jobs, cron expressions, time zones, policies, durations and each job's options.
 * @throws RangeError naming the setting at fault.
 */
export function resolveJobsConfig(config: JobsConfig, registry: readonly JobDefinition[]): ResolvedJobsConfig {
  checkKnownKeys(config as Record<string, unknown>, TOP_KEYS, 'jobs config');
  const d = JOBS_CONFIG_DEFAULTS;
  const timeZone = checkTimeZone(config.timeZone ?? d.timeZone);
  const known = registry.map((j) => j.name);
  for (const name of Object.keys(config.jobs ?? {})) {
    if (!known.includes(name)) throw new RangeError(`jobs config: unknown job "${name}" (known: ${known.join(', ')})`);
  }
  const jobs = registry.map((definition): ResolvedJob => {
    const s: JobSettings = config.jobs?.[definition.name] ?? {};
    const where = `jobs.${definition.name}`;
    checkKnownKeys(s as Record<string, unknown>, JOB_KEYS, where);
    const policy = s.policy ?? definition.defaultPolicy;
    if (!CATCH_UP_POLICIES.includes(policy)) throw new RangeError(`${where}.policy: expected ${CATCH_UP_POLICIES.join(' | ')}, got ${JSON.stringify(policy)}`);
    const r = { ...d.retries, ...s.retries };
    checkKnownKeys(r, ['maxAttempts', 'backoff', 'maxBackoff'], `${where}.retries`);
    if (!Number.isInteger(r.maxAttempts) || r.maxAttempts < 1) throw new RangeError(`${where}.retries.maxAttempts: expected an integer ≥ 1, got ${r.maxAttempts}`);
    const maxCatchUp = s.maxCatchUp ?? d.maxCatchUp;
    if (!Number.isInteger(maxCatchUp) || maxCatchUp < 1) throw new RangeError(`${where}.maxCatchUp: expected an integer ≥ 1, got ${maxCatchUp}`);
    return {
      definition,
      enabled: s.enabled ?? true,
      schedule: parseCron(s.schedule ?? definition.defaultSchedule),
      timeZone: s.timeZone === undefined ? timeZone : checkTimeZone(s.timeZone),
      policy,
      retry: {
        maxAttempts: r.maxAttempts,
        backoffMs: parseDuration(r.backoff, `${where}.retries.backoff`),
        maxBackoffMs: parseDuration(r.maxBackoff, `${where}.retries.maxBackoff`),
      },
      leaseMs: parseDuration(s.timeout ?? d.timeout, `${where}.timeout`),
      graceMs: parseDuration(s.grace ?? d.grace, `${where}.grace`),
      maxCatchUp,
      options: definition.options(s.options ?? {}),
    };
  });
  const busyTimeoutMs = parseDuration(config.busyTimeout ?? d.busyTimeout, 'busyTimeout');
  return { env: { db: config.db ?? d.db, outDir: config.outDir ?? d.outDir, lakeDir: config.lakeDir ?? d.lakeDir, busyTimeoutMs }, timeZone, jobs };
}
