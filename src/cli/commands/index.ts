import type { Command } from '../command.ts';
import { alertsCommand } from './alerts.ts';
import { areasCommand } from './areas.ts';
import { cellsCommand } from './cells.ts';
import { exportCommand } from './export.ts';
import { ingestCommand } from './ingest.ts';
import { jobsCommand } from './jobs.ts';
import { mergeCommand } from './merge.ts';
import { publishCommand } from './publish.ts';
import { reportCommand } from './report.ts';
import { serveCommand } from './serve.ts';
import { simulateCommand } from './simulate.ts';
import { sqlCommand } from './sql.ts';
import { streamCommand } from './stream.ts';
import { zonesCommand } from './zones.ts';

/**
 * Every `citypulse` sub-command, in the order `--help` lists them.
 * Each lives in its own file in this folder; add new ones here.
 */
export const commands: Command[] = [
  simulateCommand,
  ingestCommand,
  publishCommand,
  streamCommand,
  areasCommand,
  alertsCommand,
  mergeCommand,
  exportCommand,
  reportCommand,
  sqlCommand,
  serveCommand,
  zonesCommand,
  cellsCommand,
  jobsCommand,
];
