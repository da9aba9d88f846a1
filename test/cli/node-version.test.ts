// Issue 9: with Node 20, `npm start` and every citypulse command died with ERR_UNKNOWN_FILE_EXTENSION.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS } from '../../bin/node-flags.js';
import { nodeVersionProblem } from '../../bin/node-version.js';
import { ROOT } from '../support/cli.ts';

const OLD_NODE = '/usr/bin/node';
const oldNodeVersion = existsSync(OLD_NODE) ? spawnSync(OLD_NODE, ['--version'], { encoding: 'utf8' }).stdout.trim() : '';
const hasOldNode = /^v(1\d|2[01])\./.test(oldNodeVersion) || /^v22\.(\d|1[0-7])\./.test(oldNodeVersion);

describe('the Node version check', () => {
  it('accepts 22.18 and later, refuses older ones with one line naming the version needed', () => {
    for (const ok of ['22.18.0', '22.18.1', '22.19.0', '23.0.0', '24.1.0', '25.2.3']) expect(nodeVersionProblem(ok), ok).toBeNull();
    for (const old of ['20.20.2', '22.17.9', '22.0.0', '18.19.0', '21.7.3']) {
      const problem = nodeVersionProblem(old);
      expect(problem, old).toBe(
        `citypulse needs Node.js ≥ 22.18 (24 recommended); this is Node ${old}. Install Node 24 (https://nodejs.org, or \`nvm install 24\`, or \`npx -y node@24 …\`) and run again.`,
      );
      expect(problem).not.toMatch(/\n/);
    }
  });

  it('npm start goes through the checking launcher, which runs jobs/main.ts', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };
    expect(pkg.scripts.start).toBe(`node ${NODE_FLAGS.join(' ')} bin/start.js`);
    expect(readFileSync(join(ROOT, 'bin/start.js'), 'utf8')).toMatch(/requireNode\(\);\s*await import\('\.\.\/jobs\/main\.ts'\)/);
    expect(pkg.bin.citypulse).toBe('bin/citypulse.js');
  });

  it('every launcher runs Node with the flags of bin/node-flags.js', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(NODE_FLAGS).toEqual(['--max-semi-space-size=16']);
    expect(pkg.scripts.citypulse).toBe(`node ${NODE_FLAGS.join(' ')} bin/citypulse.js`);
    expect(readFileSync(join(ROOT, 'bin/citypulse.js'), 'utf8').split('\n')[0]).toBe(`#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`);
    // Executed directly, as an installed bin or `npx citypulse` is, the shebang's flags reach V8.
    const r = spawnSync(join(ROOT, 'bin/citypulse.js'), ['--version'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, env: { ...process.env, PATH: `${join(process.execPath, '..')}:${process.env.PATH}` } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('0.1.0\n');
  });

  it.skipIf(!hasOldNode)(`really run with ${OLD_NODE} (${oldNodeVersion}): one line, exit 1, no stack`, () => {
    for (const args of [['bin/citypulse.js', '--help'], ['bin/citypulse.js', 'sql', 'list'], ['bin/start.js']]) {
      const r = spawnSync(OLD_NODE, args, { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`citypulse needs Node.js ≥ 22.18 (24 recommended); this is Node ${oldNodeVersion.slice(1)}. Install Node 24 (https://nodejs.org, or \`nvm install 24\`, or \`npx -y node@24 …\`) and run again.\n`);
      expect(r.stderr).not.toMatch(/ERR_UNKNOWN_FILE_EXTENSION/);
    }
  });

  it('the current Node runs the CLI', () => {
    const r = spawnSync(process.execPath, ['bin/citypulse.js', '--version'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('0.1.0\n');
  });
});
