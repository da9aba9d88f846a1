import type { Command } from '../command.ts';

/**
 * Every `citypulse` sub-command, in the order `--help` lists them.
 * Each lives in its own file in this folder; add new ones here.
 */
export const commands: Command[] = [];
