import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Maven project of the Kafka Streams peer and plain Java consumer. */
export const PEER_DIR = fileURLToPath(new URL('../peers/kafka-streams', import.meta.url));

/** A built peer: the `java -cp` class path, or why there is none. */
export type JavaPeerBuild = { classPath: string } | { skipped: string };

/**
 * Builds the Java peer on demand with Maven (`mvn -q -B -o package`, then online when ~/.m2 lacks a
 * dependency), unless target/ is newer than every source. Never throws: a missing Java or Maven, or
 * a failed build, comes back as `{ skipped: "peer not built: <reason>" }`.
 */
export function buildJavaPeer(log: (m: string) => void): JavaPeerBuild {
  for (const tool of ['java', 'mvn']) {
    const probe = spawnSync(tool, ['-version'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) return { skipped: `peer not built: \`${tool} -version\` failed (${probe.error?.message ?? `exit ${probe.status}`}); install Java 17+ and Maven` };
  }
  const classes = join(PEER_DIR, 'target', 'classes');
  const lib = join(PEER_DIR, 'target', 'lib');
  if (!upToDate(classes, lib)) {
    log('  building the Java peer (bench/peers/kafka-streams, mvn package)…');
    let r = spawnSync('mvn', ['-q', '-B', '-o', 'package'], { cwd: PEER_DIR, encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) r = spawnSync('mvn', ['-q', '-B', 'package'], { cwd: PEER_DIR, encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) return { skipped: `peer not built: mvn package failed: ${(r.stdout + r.stderr).trim().split('\n').slice(-3).join(' ')}` };
  }
  return { classPath: `${classes}:${join(lib, '*')}` };
}

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

function upToDate(classes: string, lib: string): boolean {
  if (!existsSync(join(classes, 'citypulse', 'peer', 'PresencePeer.class')) || !existsSync(lib)) return false;
  const sources = Math.max(newest(join(PEER_DIR, 'src')), statSync(join(PEER_DIR, 'pom.xml')).mtimeMs);
  return newest(classes) >= sources;
}
