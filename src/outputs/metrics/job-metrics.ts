import { Counter, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX as P } from './metrics-registry.ts';

/** The part of a scheduler event the job metrics read (`attempt.end` of src/jobs/run/job-event.ts). */
export interface JobAttemptEnd {
  type: string;
  job?: string | null;
  status?: string;
  ms?: number;
}

/**
 * Job metrics: `citypulse_job_runs_total{job,outcome}` and `citypulse_job_run_duration_seconds{job}`,
 * fed by the scheduler's events. Returns the function to call with every event.
 * @example
 * const onEvent = createJobMetrics(registry);
 * const log: JobLogger = (e) => { onEvent(e); cliLog(e); };
 */
export function createJobMetrics(registry: Registry): (event: JobAttemptEnd) => void {
  const runs = new Counter({ name: `${P}job_runs_total`, help: 'Job attempts by job and outcome (succeeded, failed, …)', labelNames: ['job', 'outcome'], registers: [registry] });
  const duration = new Histogram({
    name: `${P}job_run_duration_seconds`,
    help: 'Duration of job attempts',
    labelNames: ['job'],
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers: [registry],
  });
  const errors = new Counter({ name: `${P}job_scheduler_errors_total`, help: 'Scheduler errors (store unavailable, …)', registers: [registry] });
  return (e) => {
    if (e.type === 'attempt.end' && e.job && e.status) {
      runs.inc({ job: e.job, outcome: e.status });
      if (typeof e.ms === 'number') duration.observe({ job: e.job }, e.ms / 1000);
    } else if (e.type === 'scheduler.error') errors.inc();
  };
}
