import type { ScheduledJob } from '../run/scheduled-job.ts';
import type { ResolvedJobsConfig } from './resolve-jobs-config.ts';

/** Binds each resolved job's code to its options and the shared environment, as the scheduler runs it. */
export function toScheduledJobs(config: ResolvedJobsConfig): ScheduledJob[] {
  return config.jobs.map(({ definition, enabled: _enabled, options, ...scheduling }) => ({
    ...scheduling,
    name: definition.name,
    task: (ctx) => definition.run(ctx, config.env, options),
  }));
}
