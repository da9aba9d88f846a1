import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** Configuration of {@link followFile}. */
export interface FollowFileConfig {
  /** Resolves when the writer has finished (closed the file): what is left is read, then the stream ends. */
  done: Promise<unknown>;
  /** Bytes read at a time. Default 1 MiB. */
  chunkBytes?: number;
  /** Wait between looks at a file that has no new bytes yet, ms. Default 20. */
  pollMs?: number;
  /** Stops reading. */
  signal?: AbortSignal;
}

/**
 * The bytes of a file that another thread or process is still writing (`tail -f` until the writer
 * finishes): chunks as they appear, ending once `done` resolved and every byte was read. Lets a
 * reader (e.g. `ingest --from -`) run beside the writer on another core instead of after it.
 * A missing file is waited for; `done` rejecting ends the stream with its error.
 *
 * @example
 * const writer = runSimulatorInWorker(path);           // resolves when events.ndjson is closed
 * for await (const chunk of followFile(path, { done: writer })) consume(chunk);
 */
export async function* followFile(path: string, config: FollowFileConfig): AsyncGenerator<Buffer> {
  const chunkBytes = config.chunkBytes ?? 1 << 20;
  const pollMs = config.pollMs ?? 20;
  let finished = false;
  let failure: unknown = null;
  config.done.then(() => (finished = true), (err: unknown) => ((failure = err ?? new Error('writer failed')), (finished = true)));
  let fh = null;
  while (!fh) {
    try {
      fh = await open(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || finished) throw failure ?? err;
      await sleep(pollMs);
    }
  }
  try {
    let pos = 0;
    for (;;) {
      if (config.signal?.aborted) return;
      // Read `finished` before the read: bytes written before the writer finished are then all seen.
      const last = finished;
      const buf = Buffer.allocUnsafe(chunkBytes);
      const { bytesRead } = await fh.read(buf, 0, chunkBytes, pos);
      if (bytesRead > 0) {
        pos += bytesRead;
        yield buf.subarray(0, bytesRead);
      } else if (last) {
        if (failure) throw failure;
        return;
      } else {
        await sleep(pollMs);
      }
    }
  } finally {
    await fh.close();
  }
}
