import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RunMeasurement } from './result.ts';

const CHILD = fileURLToPath(new URL('../child.ts', import.meta.url));
/** The line prefix a child reports its result with (stdout). */
export const RESULT_PREFIX = '@@bench ';

/** What a task reports from inside the child. */
export interface TaskReport {
  seconds: number;
  events: number;
  extra?: Record<string, number>;
  /**
   * For a task that measures another process (the JVM peers): that process's peak RSS and CPU
   * seconds, reported instead of the task's own.
   */
  process?: { peakRssKiB: number; cpuSeconds: number };
}

/** Options of {@link runChild}. */
export interface RunChildOptions {
  /** Extra environment for the child. */
  env?: NodeJS.ProcessEnv;
  /** Node flags (e.g. `--cpu-prof`). */
  nodeFlags?: string[];
  /** Where the child's stderr (and non-result stdout) goes. */
  logFile: string;
  /** Kill the child after this long. Default 30 min. */
  timeoutMs?: number;
}

/** Error of a failed child run, with the tail of its log. */
export class ChildRunError extends Error {
  override name = 'ChildRunError';
}

/**
 * Runs one measured task in a fresh Node process (`bench/child.ts TASK ARGS`) and returns what it
 * measured plus the process's peak RSS and CPU time. Peak RSS is the larger of the child's own
 * `process.resourceUsage().maxRSS` (getrusage) and VmHWM polled from `/proc/<pid>/status`.
 */
export async function runChild(task: string, args: unknown, o: RunChildOptions): Promise<RunMeasurement> {
  mkdirSync(join(o.logFile, '..'), { recursive: true });
  const log = createWriteStream(o.logFile, { flags: 'a' });
  log.write(`\n=== ${new Date().toISOString()} ${task} ${JSON.stringify(args)}\n`);
  const child = spawn(process.execPath, [...(o.nodeFlags ?? []), CHILD, task, JSON.stringify(args)], {
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let polledKiB = 0;
  const poll = setInterval(() => {
    polledKiB = Math.max(polledKiB, vmHwmKiB(child.pid));
  }, 200);
  let report: (TaskReport & { maxRssKiB: number; cpuSeconds: number }) | null = null;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith(RESULT_PREFIX)) report = JSON.parse(line.slice(RESULT_PREFIX.length));
    else log.write(line + '\n');
  });
  child.stderr!.pipe(log, { end: false });
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 30 * 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  clearInterval(poll);
  await new Promise((r) => log.end(r));
  const r = report as (TaskReport & { maxRssKiB: number; cpuSeconds: number }) | null;
  if (code !== 0 || !r) {
    throw new ChildRunError(`bench task ${task} failed (exit ${code}); log ${o.logFile}:\n${tail(o.logFile, 25)}`);
  }
  return {
    seconds: r.seconds,
    events: r.events,
    peakRssMiB: (r.process ? r.process.peakRssKiB : Math.max(r.maxRssKiB, polledKiB)) / 1024,
    cpuSeconds: r.process ? r.process.cpuSeconds : r.cpuSeconds,
    extra: r.extra ?? {},
  };
}

/** VmHWM (peak RSS) of a live process in KiB, 0 when unreadable. */
function vmHwmKiB(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function tail(file: string, n: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-n).join('\n');
  } catch {
    return '(no log)';
  }
}
