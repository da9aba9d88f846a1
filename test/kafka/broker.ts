// Test helper: a real single-node Kafka broker (scripts/kafka/start.sh) for vitest suites.
//
//   const broker = await ensureBroker();          // top level of the test file
//   describe.skipIf(broker.skipped)('...', () => { new Kafka({ brokers: broker.brokers }) ... });
//
// - Reuses a broker that already answers on the port, otherwise starts one (the script
//   fetches the jars from Maven Central on first use, then starts in ~2 s).
// - Without Java (or without Maven and no cached jars) it returns `skipped: reason`,
//   except under CI=true, where it throws: CI must never silently skip Kafka suites.
// - Safe when several vitest workers call it at once: start.sh/stop.sh serialise on a
//   file lock per data folder and are idempotent; calls inside one process are memoised.
// - The broker is left running after the tests (fast reruns); `npm run kafka:stop` stops it.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BrokerOptions {
  /** PLAINTEXT port on 127.0.0.1 (default: env KAFKA_PORT or 9092). */
  port?: number;
  /** KRaft controller port (default: port + 1). */
  controllerPort?: number;
  /** Data folder (default: the script's, $HOME/.cache/citypulse/kafka-data/<port>). */
  dataDir?: string;
}

export interface BrokerInfo {
  brokers: string[];
  /** Set when no broker can be run here (no Java...): use with describe.skipIf. */
  skipped?: string;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const START = path.join(ROOT, 'scripts', 'kafka', 'start.sh');
const STOP = path.join(ROOT, 'scripts', 'kafka', 'stop.sh');
/** Exit code of start.sh when a prerequisite (java, mvn without cached jars) is missing. */
const EXIT_PREREQ = 3;
/** First start may download ~45 MB of jars; the JVM start itself takes a few seconds. */
const SCRIPT_TIMEOUT_MS = 15 * 60_000;

const memo = new Map<string, Promise<BrokerInfo>>();

function resolvePort(opts: BrokerOptions): number {
  return opts.port ?? Number(process.env.KAFKA_PORT || 9092);
}

function keyOf(opts: BrokerOptions): string {
  return `${resolvePort(opts)}|${opts.dataDir ?? ''}`;
}

interface ScriptResult {
  code: number;
  output: string;
}

function runScript(script: string, args: string[], opts: BrokerOptions): Promise<ScriptResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, KAFKA_PORT: String(resolvePort(opts)) };
  if (opts.controllerPort !== undefined) env.KAFKA_CONTROLLER_PORT = String(opts.controllerPort);
  if (opts.dataDir !== undefined) env.CITYPULSE_KAFKA_DATA = opts.dataDir;
  return new Promise((resolve) => {
    execFile(
      'bash',
      [script, ...args],
      { cwd: ROOT, env, timeout: SCRIPT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const output = `${stdout}${stderr}`.trim();
        if (!err) return resolve({ code: 0, output });
        const code = typeof err.code === 'number' ? err.code : 1;
        resolve({ code, output: output || String(err.message) });
      },
    );
  });
}

function javaMissing(): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('java', ['-version'], { timeout: 60_000 }, (err) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        resolve('java is not on PATH: cannot run the Kafka test broker (install a JDK/JRE 17+)');
      } else resolve(undefined);
    });
  });
}

function skipOrThrow(reason: string): BrokerInfo {
  if (process.env.CI === 'true') {
    throw new Error(`Kafka test broker unavailable under CI=true (suites must not be skipped in CI): ${reason}`);
  }
  return { brokers: [], skipped: reason };
}

async function start(opts: BrokerOptions): Promise<BrokerInfo> {
  const brokers = [`127.0.0.1:${resolvePort(opts)}`];
  const noJava = await javaMissing();
  // Without Java a broker someone else runs on the port is still fine: start.sh
  // only needs java when it has to launch one.
  const res = await runScript(START, [], opts);
  if (res.code === 0) return { brokers };
  if (res.code === EXIT_PREREQ || noJava) return skipOrThrow(noJava ?? lastLines(res.output, 3));
  throw new Error(`scripts/kafka/start.sh failed (exit ${res.code}):\n${lastLines(res.output, 60)}`);
}

function lastLines(text: string, n: number): string {
  return text.split('\n').slice(-n).join('\n');
}

/**
 * Make sure a broker answers on 127.0.0.1:<port> (default KAFKA_PORT or 9092) and
 * return its bootstrap list. Env CITYPULSE_TEST_KAFKA_BROKERS (comma list) bypasses
 * all of this and points the suites at an existing cluster.
 */
export function ensureBroker(opts: BrokerOptions = {}): Promise<BrokerInfo> {
  const external = process.env.CITYPULSE_TEST_KAFKA_BROKERS;
  if (external && opts.port === undefined && opts.dataDir === undefined) {
    return Promise.resolve({ brokers: external.split(',').map((s) => s.trim()).filter(Boolean) });
  }
  const key = keyOf(opts);
  let p = memo.get(key);
  if (!p) {
    p = start(opts);
    memo.set(key, p);
    p.catch(() => memo.delete(key));
  }
  return p;
}

/** Stop the broker (SIGTERM, then SIGKILL after 30 s); `wipe` also deletes its data. */
export async function stopBroker(opts: BrokerOptions & { wipe?: boolean } = {}): Promise<void> {
  memo.delete(keyOf(opts));
  const res = await runScript(STOP, opts.wipe ? ['--wipe'] : [], opts);
  if (res.code !== 0) {
    throw new Error(`scripts/kafka/stop.sh failed (exit ${res.code}):\n${lastLines(res.output, 40)}`);
  }
}

/**
 * Stop and start the broker again, keeping its data (topics, committed offsets).
 * Every client of that broker sees the outage: use a private broker (free ports +
 * own dataDir, see freePort) rather than the shared 9092 one when other suites may run.
 */
export async function restartBroker(opts: BrokerOptions = {}): Promise<BrokerInfo> {
  await stopBroker(opts);
  return ensureBroker(opts);
}

/** A topic name that is unique across runs, processes and calls. */
let topicSeq = 0;
export function uniqueTopic(prefix = 'test'): string {
  const clean = prefix.replace(/[^a-zA-Z0-9._-]/g, '-').slice(0, 150) || 'test';
  const suffix = `${Date.now().toString(36)}-${process.pid}-${++topicSeq}-${randomBytes(3).toString('hex')}`;
  return `${clean}-${suffix}`;
}

/** A TCP port that was free on 127.0.0.1 a moment ago (for private brokers). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
