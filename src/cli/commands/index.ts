import type { Command } from '../command.ts';
import { alertsCommand } from './alerts.ts';
import { areasCommand } from './areas.ts';
import { auditCommand } from './audit.ts';
import { cellsCommand } from './cells.ts';
import { exportCommand } from './export.ts';
import { forecastCommand } from './forecast.ts';
import { ingestCommand } from './ingest.ts';
import { createJobsCommand } from './jobs.ts';
import type { JobDefinition } from '../../jobs/job-definition.ts';
import { mergeCommand } from './merge.ts';
import { publishCommand } from './publish.ts';
import { releaseCommand } from './release.ts';
import { retentionCommand } from './retention.ts';
import { reportCommand } from './report.ts';
import { serveCommand } from './serve.ts';
import { simulateCommand } from './simulate.ts';
import { sqlCommand } from './sql.ts';
import { streamCommand } from './stream.ts';
import { tokensCommand } from './tokens.ts';
import { zonesCommand } from './zones.ts';

/** What the entry point hands the CLI: the parts that live outside `src/` (the job registry of `jobs/`). */
export interface CliApp {
  /** The scheduled batch jobs `citypulse jobs` knows (jobs/index.ts's JOB_REGISTRY). Default none. */
  jobs?: readonly JobDefinition[];
}

/**
 * Every `citypulse` sub-command, in the order `--help` lists them.
 * Each lives in its own file in this folder; add new ones here.
 */
export function createCommands(app: CliApp = {}): Command[] {
  return [
    simulateCommand,
    ingestCommand,
    publishCommand,
    streamCommand,
    areasCommand,
    alertsCommand,
    mergeCommand,
    exportCommand,
    releaseCommand,
    reportCommand,
    forecastCommand,
    sqlCommand,
    serveCommand,
    zonesCommand,
    cellsCommand,
    createJobsCommand(app.jobs ?? []),
    auditCommand,
    tokensCommand,
    retentionCommand,
  ];
}
