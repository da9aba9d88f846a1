import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cellTableCsv, Simulation } from '../../src/sim/index.ts';
import { LineWriter } from '../lib/line-writer.ts';
import type { TaskReport } from '../lib/run-child.ts';

/** Arguments of {@link simulateTask}. */
export interface SimulateArgs {
  out: string;
  subscribers: number;
  seed: number;
  /** Keep only the first hours of the simulated day (the simulator always plans whole days). */
  hours?: number;
  /** Also write signalling.ndjson and location.ndjson (lines split by record kind). */
  split?: boolean;
}

/** What {@link simulateTask} writes to `stats.json`. */
export interface SimulatedInput {
  lines: number;
  records: number;
  signallingLines: number;
  signallingRecords: number;
  locationLines: number;
  locationRecords: number;
  /** Distinct subscribers with at least one record (the active devices of the input). */
  devices: number;
  bytes: number;
}

/**
 * Writes a deterministic simulated feed: events.ndjson (arrival order), cells.csv, stats.json.
 * Runs in a child so the simulator's memory never counts against the runner.
 */
export async function simulateTask(a: SimulateArgs): Promise<TaskReport> {
  const t0 = performance.now();
  mkdirSync(a.out, { recursive: true });
  const sim = new Simulation({ seed: a.seed, subscribers: a.subscribers, days: 1 });
  writeFileSync(join(a.out, 'cells.csv'), cellTableCsv(sim.city.cells));
  const all = new LineWriter(join(a.out, 'events.ndjson'));
  const sig = a.split ? new LineWriter(join(a.out, 'signalling.ndjson')) : null;
  const loc = a.split ? new LineWriter(join(a.out, 'location.ndjson')) : null;
  const stop = a.hours === undefined ? Infinity : sim.config.start + a.hours * 3_600_000;
  const seen = new Set<string>();
  const s: SimulatedInput = { lines: 0, records: 0, signallingLines: 0, signallingRecords: 0, locationLines: 0, locationRecords: 0, devices: 0, bytes: 0 };
  for (const chunk of sim.chunks()) {
    for (const line of chunk) {
      const recs = countRecords(line);
      const isLocation = !line.includes('"cell":');
      s.lines++;
      s.records += recs;
      s.bytes += line.length + 1;
      if (isLocation) {
        s.locationLines++;
        s.locationRecords += recs;
      } else {
        s.signallingLines++;
        s.signallingRecords += recs;
      }
      const m = /"imsi":"([^"]+)"/.exec(line);
      if (m) seen.add(m[1]!);
      await all.write(line);
      await (isLocation ? loc : sig)?.write(line);
    }
    if (sim.simulatedUntil >= stop) break;
  }
  await all.close();
  await sig?.close();
  await loc?.close();
  s.devices = seen.size;
  writeFileSync(join(a.out, 'stats.json'), JSON.stringify(s, null, 2) + '\n');
  return { seconds: (performance.now() - t0) / 1000, events: s.records, extra: { ...s } };
}

/** Records on a line: elements of a JSON array line (one device's burst), else one. */
function countRecords(line: string): number {
  if (line[0] !== '[') return 1;
  let n = 0;
  for (let i = line.indexOf('"imsi"'); i !== -1; i = line.indexOf('"imsi"', i + 6)) n++;
  return Math.max(n, 1);
}
