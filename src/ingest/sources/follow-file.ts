import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** Options of {@link followFile}. */
export interface FollowFileConfig {
  /** Settles when the writer has finished: the rest of the file is read, then the iteration ends (rejects: the iteration fails with that error). */
  done: Promise<unknown>;
  /** Stops following (the iteration ends early). */
  signal?: AbortSignal;
  /** Wait between reads that find nothing new while the writer runs. Default 20 ms. */
  pollMs?: number;
  /** Bytes per read. Default 1 MiB. */
  chunkBytes?: number;
}

/**
 * The bytes of a file that another process is still appending to (like `tail -f` from the start),
 * ending once `done` has settled and everything written up to then has been read. Lets a reader
 * start on a file while its writer runs, e.g. ingesting events while the simulator writes them.
 *
 * @example
 * for await (const chunk of followFile('sim/events.ndjson', { done: simulatorExited })) …
 */
export async function* followFile(path: string, config: FollowFileConfig): AsyncGenerator<Buffer> {
  const pollMs = config.pollMs ?? 20;
  const chunkBytes = config.chunkBytes ?? 1 << 20;
  let finished = false;
  let failure: { error: unknown } | null = null;
  config.done.then(
    () => (finished = true),
    (error: unknown) => ((failure = { error }), (finished = true)),
  );
  const fh = await open(path, 'r');
  try {
    let position = 0;
    while (!config.signal?.aborted) {
      // Read `finished` before reading: whatever was written before it settled is then read below.
      const last = finished;
      const buf = Buffer.allocUnsafe(chunkBytes);
      const { bytesRead } = await fh.read(buf, 0, chunkBytes, position);
      if (bytesRead > 0) {
        position += bytesRead;
        yield buf.subarray(0, bytesRead);
        continue;
      }
      if (last) {
        if (failure) throw (failure as { error: unknown }).error;
        return;
      }
      await sleep(pollMs);
    }
  } finally {
    await fh.close();
  }
}
