import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SimulatedInput } from '../tasks/simulate.ts';
import type { BenchContext } from './context.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SEED = 1;

/** Old-space cap (MB) of the child that simulates a bench input. */
const SIMULATE_HEAP_MB = 12_288;

/** A simulated input on disk. */
export interface InputFiles {
  /** Cache key (folder name). */
  key: string;
  dir: string;
  events: string;
  cells: string;
  signalling: string;
  location: string;
  stats: SimulatedInput;
}

/** Parameters of a simulated input. */
export interface InputSpec {
  subscribers: number;
  /** First hours of the simulated day only. Default: the whole day. */
  hours?: number;
  /** Also write signalling.ndjson and location.ndjson. */
  split?: boolean;
}

let simVersion: string | null = null;

/** Hash of the simulator's sources: cached inputs are rebuilt when the simulator changes. */
function simulatorVersion(): string {
  if (simVersion) return simVersion;
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts')) h.update(relative(ROOT, p)).update(readFileSync(p));
    }
  };
  walk(join(ROOT, 'src', 'sim'));
  return (simVersion = h.digest('hex').slice(0, 10));
}

/**
 * The deterministic simulated input for `spec` (seed 1), built in a child process on first use and
 * cached under out/bench/inputs/ (keyed by the parameters and the simulator's source hash).
 */
export async function simulatedInput(ctx: BenchContext, spec: InputSpec): Promise<InputFiles> {
  const key = `sim-${spec.subscribers}-${spec.hours ?? 24}h-s${SEED}${spec.split ? '-split' : ''}-${simulatorVersion()}`;
  const dir = join(ctx.dirs.inputs, key);
  const files = {
    key,
    dir,
    events: join(dir, 'events.ndjson'),
    cells: join(dir, 'cells.csv'),
    signalling: join(dir, 'signalling.ndjson'),
    location: join(dir, 'location.ndjson'),
  };
  const statsFile = join(dir, 'stats.json');
  if (!existsSync(statsFile)) {
    rmSync(dir, { recursive: true, force: true });
    ctx.log(`  input ${key}: simulating ${spec.subscribers.toLocaleString('en-US')} subscribers${spec.hours ? `, first ${spec.hours} h` : ', one day'}…`);
    // The simulator plans each subscriber's whole day in memory: at 1.1 M subscribers (`--size large`)
    // that is more than Node's default ~4 GB heap. Preparation, untimed and unmeasured: give it room.
    const env = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${SIMULATE_HEAP_MB}`.trim() };
    const r = await ctx.measure('simulate', { out: dir, subscribers: spec.subscribers, seed: SEED, ...(spec.hours ? { hours: spec.hours } : {}), split: spec.split ?? false }, `simulate-${key}`, env);
    ctx.log(`  input ${key}: ${r.events.toLocaleString('en-US')} records in ${r.seconds.toFixed(1)} s`);
  }
  return { ...files, stats: JSON.parse(readFileSync(statsFile, 'utf8')) as SimulatedInput };
}
