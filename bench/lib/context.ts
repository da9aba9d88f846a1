import { join } from 'node:path';
import type { RunMeasurement } from './result.ts';
import { runChild } from './run-child.ts';
import { SIZE_PRESETS, type Size, type SizePreset } from './sizes.ts';
import { NODE_FLAGS } from '../../bin/node-flags.js';

/** Everything a benchmark needs from the runner. */
export interface BenchContext {
  size: Size;
  preset: SizePreset;
  /** Measured runs per benchmark (after the warm-ups). */
  repeat: number;
  /** Unmeasured runs before the measured ones. */
  warmup: number;
  /** Folder for cached inputs, scratch files, child logs and CPU profiles (under out/bench, gitignored). */
  dirs: { root: string; inputs: string; tmp: string; logs: string; profiles: string };
  /** Pseudonymisation key (hex) every child uses, so device ids agree across runs. */
  key: string;
  /** Node flags for measured children (`--cpu-prof …` with --profile). */
  nodeFlags: string[];
  /** Progress lines (stderr). */
  log(message: string): void;
  /** Runs a task in a child process (see lib/run-child.ts). */
  measure(task: string, args: unknown, label: string, env?: NodeJS.ProcessEnv): Promise<RunMeasurement>;
}

/** Options of {@link createContext}. */
export interface ContextOptions {
  size: Size;
  repeat: number;
  warmup: number;
  root: string;
  profile: boolean;
  log: (m: string) => void;
}

/** Fixed benchmark key: pseudonyms stay stable across runs and children (never a production key). */
const BENCH_KEY = 'c1b0b0e5c1b0b0e5c1b0b0e5c1b0b0e5c1b0b0e5c1b0b0e5c1b0b0e5c1b0b0e5';

/** Builds the {@link BenchContext} of one runner invocation. */
export function createContext(o: ContextOptions): BenchContext {
  const dirs = { root: o.root, inputs: join(o.root, 'inputs'), tmp: join(o.root, 'tmp'), logs: join(o.root, 'logs'), profiles: join(o.root, 'profiles') };
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  // Children run Node as citypulse's launchers do (bin/node-flags.js), so a measured task sees the V8
  // settings a user's `citypulse …` gets.
  const nodeFlags = [...NODE_FLAGS, ...(o.profile ? ['--cpu-prof', `--cpu-prof-dir=${dirs.profiles}`] : [])];
  let n = 0;
  return {
    size: o.size,
    preset: SIZE_PRESETS[o.size],
    repeat: o.repeat,
    warmup: o.warmup,
    dirs,
    key: BENCH_KEY,
    nodeFlags,
    log: o.log,
    measure(task, args, label, env) {
      const file = join(dirs.logs, `${stamp}-${String(++n).padStart(3, '0')}-${label.replace(/[^\w.-]+/g, '_')}.log`);
      return runChild(task, args, { logFile: file, nodeFlags, env: { CITYPULSE_KEY: BENCH_KEY, ...env } });
    },
  };
}
