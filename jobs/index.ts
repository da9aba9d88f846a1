import type { JobDefinition } from '../src/jobs/job-definition.ts';
import { dailyReportJob } from './daily-report.ts';
import { eventReportJob } from './event-report.ts';
import { exportHeatmapsJob } from './export-heatmaps.ts';
import { lakeCompactionJob } from './lake-compaction.ts';
import { releaseJob } from './release.ts';
import { odDailyJob } from './od-daily.ts';
import { retentionJob } from './retention.ts';

/** Names of the scheduled batch jobs `citypulse jobs` knows. */
export const JOB_NAMES = ['export_heatmaps', 'release', 'lake_compaction', 'daily_report', 'retention', 'od_daily', 'event_report'] as const;
export type JobName = (typeof JOB_NAMES)[number];

/** Every job by name (one file each in this folder); a missing entry fails to compile. */
export const JOBS: Record<JobName, JobDefinition> = {
  export_heatmaps: exportHeatmapsJob,
  release: releaseJob,
  lake_compaction: lakeCompactionJob,
  daily_report: dailyReportJob,
  retention: retentionJob,
  od_daily: odDailyJob,
  event_report: eventReportJob,
};

/** The registry in {@link JOB_NAMES} order, as `resolveJobsConfig` takes it. */
export const JOB_REGISTRY: readonly JobDefinition[] = JOB_NAMES.map((n) => JOBS[n]);
