import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { TaskReport } from '../lib/run-child.ts';

/** Arguments of {@link javaPeerTask}. */
export interface JavaPeerArgs {
  /** `java -cp` class path (see lib/java-peer.ts). */
  classPath: string;
  /** Main class: `citypulse.peer.PresencePeer` or `citypulse.peer.RawConsumer`. */
  mainClass: string;
  /** Its command-line arguments. */
  args: string[];
  /** Records the topic holds (reported as events). */
  records: number;
}

/** What the Java programs print on their `@@peer` line. */
interface PeerLine {
  seconds: number;
  events: number;
  peakRssKiB: number;
  cpuSeconds: number;
  [k: string]: number;
}

/**
 * Runs one of the Java peers and passes on what it measured (its own span, peak RSS from its
 * /proc/self/status and CPU seconds), so the row shows the JVM's figures, not this wrapper's.
 */
export async function javaPeerTask(a: JavaPeerArgs): Promise<TaskReport> {
  const child = spawn('java', ['-cp', a.classPath, a.mainClass, ...a.args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let line: PeerLine | null = null;
  createInterface({ input: child.stdout }).on('line', (l) => {
    if (l.startsWith('@@peer ')) line = JSON.parse(l.slice(7)) as PeerLine;
    else process.stderr.write(l + '\n');
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const r = line as PeerLine | null;
  if (code !== 0 || !r) throw new Error(`${a.mainClass} exited ${code} without a result line`);
  const { seconds, peakRssKiB, cpuSeconds, ...extra } = r;
  return { seconds, events: a.records, extra: { ...extra, recordsSeen: r.events }, process: { peakRssKiB, cpuSeconds } };
}
