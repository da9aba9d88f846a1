import { JOB_REGISTRY } from '../../../jobs/index.ts';
import type { Command } from '../../../src/cli/command.ts';
import { createCommands } from '../../../src/cli/commands/index.ts';

/** Every citypulse command, with the real job registry. */
export function commands(): Command[] {
  return createCommands({ jobs: JOB_REGISTRY });
}
