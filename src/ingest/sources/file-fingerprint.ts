import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';

/**
 * The fingerprint of an input: `sha256:` and the hex SHA-256 of its bytes. Equal content gives an
 * equal fingerprint whatever the file's name, folder or modification time, so `ingest` recognises a
 * file it has already read, even copied or renamed.
 */
export async function fileFingerprint(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) })) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * A pass-through stream that hashes what flows through it (for standard input, which can be read
 * once only); `fingerprint()` gives the same text as {@link fileFingerprint} once the stream ended.
 */
export function fingerprintingStream(): { stream: Transform; fingerprint: () => string } {
  const hash = createHash('sha256');
  let digest: string | null = null;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  return {
    stream,
    fingerprint: () => (digest ??= `sha256:${hash.digest('hex')}`),
  };
}
