import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.ts';

describe('quietKafkajsTimerWarnings', () => {
  it('drops the negative-timeout warning kafkajs causes and prints every other warning as Node would', () => {
    const script = `
      import { quietKafkajsTimerWarnings } from './src/core/quiet-kafkajs-warnings.ts';
      ${'${QUIET}'}
      setTimeout(() => {}, -1 - Date.now());
      process.emitWarning('something else', 'OtherWarning');
    `;
    const run = (quiet: boolean) =>
      spawnSync(process.execPath, ['--input-type=module', '-e', script.replace('${QUIET}', quiet ? 'quietKafkajsTimerWarnings();' : '')], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    const loud = run(false);
    expect(loud.stderr).toMatch(/TimeoutNegativeWarning/);
    const quiet = run(true);
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).not.toMatch(/TimeoutNegativeWarning/);
    expect(quiet.stderr).toMatch(/OtherWarning: something else/);
  });
});
