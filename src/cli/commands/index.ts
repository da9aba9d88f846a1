import type { Command } from '../command.ts';
import { exportCommand } from './export.ts';
import { ingestCommand } from './ingest.ts';
import { publishCommand } from './publish.ts';
import { streamCommand } from './stream.ts';

/**
 * Every `citypulse` sub-command, in the order `--help` lists them.
 * Each lives in its own file in this folder; add new ones here.
 */
export const commands: Command[] = [
  ingestCommand,
  publishCommand,
  streamCommand,
  exportCommand,
];
