import { rmSync } from 'node:fs';
import { runStream } from '../../pipelines/stream-runner.ts';
import { loadCells } from '../../src/cli/flags/pipeline-flags.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { DEFAULT_WINDOW_CONFIG } from '../../src/window/window-config.ts';
import type { TaskReport } from '../lib/run-child.ts';
import { ProbePseudonymiser } from './probe-pseudonymiser.ts';

/** Arguments of {@link streamE2eTask}. */
export interface StreamE2eArgs {
  brokers: string[];
  topic: string;
  groupId: string;
  cells: string;
  db: string;
  /** Records in the topic (all valid): the probe notes the last one. */
  records: number;
  /** Hex key, as $CITYPULSE_KEY. */
  key: string;
  /**
   * Where to write the result rows for comparison with a peer (after the timing): CSV of
   * window_start (epoch ms),h3,events,active per (window, res-9 cell) with events, sorted (a cell
   * where devices were only present, without an event, has no row a counting peer could make).
   */
  rows?: string;
  /**
   * `stream --workers N` (default 0: every partition on the main thread). With workers the records
   * are pseudonymised in the worker threads, out of the probe's sight: the span then starts at the
   * first partition restore (just after the group join, before the first fetch), a mark the
   * one-thread run reports too (`secondsFromRestore`), so the two are compared from the same mark.
   */
  workers?: number;
}

/**
 * `citypulse stream` on a pre-filled topic, as the CLI configures it (handoff changelog, dead-letter
 * topic, 5 s checkpoints), ending when caught up. Timed from the first record entering the pipeline
 * to the final checkpoint committed (every window closed and written with its offsets), so consumer
 * group join and start-up are excluded. `exitWhenIdleMs: 0` ends the run at the first supervisor
 * poll (every 250 ms) that finds every partition caught up, so the idle wait inside the span is
 * < 0.25 s plus one offsets request; the processing span (first → last record) is reported beside it.
 */
export async function streamE2eTask(a: StreamE2eArgs): Promise<TaskReport> {
  rmSync(a.db, { force: true });
  rmSync(a.db + '.wal', { force: true });
  const cells = loadCells(a.cells, 9);
  const pseudonymiser = new ProbePseudonymiser({ key: Buffer.from(a.key, 'hex') }, a.records);
  const db = await openDatabase(a.db);
  let finalAt = NaN;
  let restoreAt = NaN;
  const t0 = performance.now();
  const workers = a.workers ?? 0;
  try {
    const result = await runStream({
      brokers: a.brokers,
      topics: [a.topic],
      groupId: a.groupId,
      cells,
      pseudonymiser,
      connection: db.connection,
      exitWhenIdleMs: 0,
      partitionIdleMs: 30_000,
      checkpointIntervalMs: 5_000,
      // As the CLI's default (1 s) unless the bench is asked otherwise (A/B: CITYPULSE_BENCH_CATCH_UP_MS=0 checkpoints after every batch that closed a window).
      ...(process.env.CITYPULSE_BENCH_CATCH_UP_MS !== undefined ? { catchUpCheckpointMs: Number(process.env.CITYPULSE_BENCH_CATCH_UP_MS) } : {}),
      ...(workers > 0 ? { workers: { count: workers, cellsPath: a.cells, window: { ...DEFAULT_WINDOW_CONFIG, resolution: 9 }, consumers: null, pseudonym: { key: Buffer.from(a.key, 'hex') } } } : {}),
      log: (m) => {
        if (Number.isNaN(restoreAt) && m.startsWith('partition ')) restoreAt = performance.now();
        process.stderr.write(`stream: ${m}\n`);
      },
      onCheckpoint: () => (finalAt = performance.now()),
    });
    if (result.records !== a.records) throw new Error(`stream processed ${result.records} records, expected ${a.records}`);
    const rows = await db.connection.runAndReadAll('SELECT count(*)::INTEGER, coalesce(sum(present), 0)::BIGINT FROM presence');
    const [presenceRows, present] = rows.getRowsJS()[0] as [number, bigint];
    if (a.rows) {
      await db.connection.run(
        `COPY (SELECT epoch_ms(window_start) AS ws, h3, sum(events)::BIGINT, sum(active)::BIGINT FROM presence WHERE res = 9 GROUP BY ws, h3 HAVING sum(events) > 0 ORDER BY ws, h3)
         TO '${a.rows.replaceAll("'", "''")}' (HEADER false)`,
      );
    }
    const start = workers > 0 ? restoreAt : pseudonymiser.firstAt;
    return {
      seconds: (finalAt - start) / 1000,
      events: result.records,
      extra: {
        messages: result.messages,
        accepted: result.accepted,
        deadLetters: result.deadLetters,
        late: result.late,
        checkpoints: result.checkpoints,
        presenceRows,
        present: Number(present),
        ...(workers > 0 ? {} : { processingSeconds: (pseudonymiser.lastAt - pseudonymiser.firstAt) / 1000 }),
        startupSeconds: (start - t0) / 1000,
        secondsFromRestore: (finalAt - restoreAt) / 1000,
      },
    };
  } finally {
    db.close();
    rmSync(a.db, { force: true });
    rmSync(a.db + '.wal', { force: true });
  }
}
