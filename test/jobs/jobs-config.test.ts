import { describe, expect, it } from 'vitest';
import { JOB_NAMES, JOB_REGISTRY } from '../../jobs/index.ts';
import { readJobsConfigFile } from '../../src/jobs/config/read-jobs-config-file.ts';
import { resolveJobsConfig, type ResolvedJobsConfig } from '../../src/jobs/config/resolve-jobs-config.ts';
import { ROOT } from '../support/cli.ts';

const comparable = (c: ResolvedJobsConfig) => ({ ...c, jobs: c.jobs.map(({ definition, ...rest }) => ({ name: definition.name, ...rest })) });

describe('JobsConfig', () => {
  it('defaults: every job, UTC, the demo database, the documented schedules and policies', () => {
    const c = resolveJobsConfig({}, JOB_REGISTRY);
    expect(c.env).toEqual({ db: 'out/demo/citypulse.duckdb', outDir: 'out/demo/jobs', lakeDir: 'out/demo/lake', busyTimeoutMs: 30_000 });
    expect(c.timeZone).toBe('UTC');
    expect(c.jobs.map((j) => [j.definition.name, j.schedule.expression, j.policy, j.enabled])).toEqual([
      ['export_heatmaps', '1-59/15 * * * *', 'catch_up', true],
      ['release', '2-59/15 * * * *', 'skip', true],
      ['lake_compaction', '20 * * * *', 'skip', true],
      ['daily_report', '30 2 * * *', 'catch_up', true],
      ['retention', '45 3 * * *', 'skip', true],
      ['od_daily', '15 6 * * *', 'catch_up', true],
      ['event_report', '0 3 * * *', 'catch_up', true],
    ]);
    expect(c.jobs[0]).toMatchObject({ retry: { maxAttempts: 3, backoffMs: 30_000, maxBackoffMs: 900_000 }, leaseMs: 1_800_000, graceMs: 300_000, maxCatchUp: 96 });
    expect(c.jobs.find((j) => j.definition.name === 'retention')!.options).toMatchObject({ maxAgeMs: 30 * 86_400_000 });
    expect(JOB_REGISTRY.map((j) => j.name)).toEqual([...JOB_NAMES]);
  });

  it('the shipped jobs/jobs.config.json states exactly the defaults', () => {
    const shipped = resolveJobsConfig(readJobsConfigFile(`${ROOT}/jobs/jobs.config.json`), JOB_REGISTRY);
    expect(comparable(shipped)).toEqual(comparable(resolveJobsConfig({}, JOB_REGISTRY)));
  });

  it('time zone per config and per job', () => {
    const c = resolveJobsConfig({ timeZone: 'Europe/Rome', jobs: { daily_report: { timeZone: 'Asia/Shanghai' } } }, JOB_REGISTRY);
    expect(c.jobs.map((j) => j.timeZone)).toEqual(['Europe/Rome', 'Europe/Rome', 'Europe/Rome', 'Asia/Shanghai', 'Europe/Rome', 'Europe/Rome', 'Europe/Rome']);
  });

  it.each([
    [{ jobs: { nightly: {} } }, /unknown job "nightly"/],
    [{ jobs: { retention: { options: { maxAge: '30m' } } } }, /retention\.options\.maxAge: must be at least 1h/],
    [{ jobs: { retention: { options: { targets: ['presence', 'everything'] } } } }, /targets: expected a list of presence/],
    [{ jobs: { export_heatmaps: { options: { k: 1 } } } }, /export_heatmaps\.options\.k: must be ≥ 2/],
    [{ jobs: { export_heatmaps: { options: { kk: 20 } } } }, /unknown option "kk"/],
    [{ jobs: { daily_report: { schedule: '30 2 * *' } } }, /five cron fields/],
    [{ jobs: { daily_report: { policy: 'always' } } }, /policy: expected catch_up \| skip/],
    [{ jobs: { daily_report: { retries: { maxAttempts: 0 } } } }, /maxAttempts: expected an integer ≥ 1/],
    [{ timeZone: 'Mars/Olympus' }, /unknown time zone "Mars\/Olympus"/],
    [{ database: 'x.duckdb' }, /unknown option "database"/],
  ])('rejects %j', (config, message) => {
    expect(() => resolveJobsConfig(config as never, JOB_REGISTRY)).toThrow(message);
  });
});
