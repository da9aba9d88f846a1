import type { Readable } from 'node:stream';

/** A batch of lines from a source, with the 1-based number of its first line and the bytes read so far. */
export interface LineBatch {
  lines: string[];
  firstLine: number;
  bytesRead: number;
}

/**
 * Splits a byte stream into batches of UTF-8 lines (LF or CRLF). Blank lines are skipped but counted,
 * so line numbers match the file. Faster than readline for large NDJSON files.
 */
export async function* lineBatches(stream: Readable | NodeJS.ReadableStream, signal?: AbortSignal): AsyncGenerator<LineBatch> {
  let rest: Buffer | null = null;
  let lineNo = 1;
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    if (signal?.aborted) return;
    const buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += buf.length;
    const data: Buffer = rest ? Buffer.concat([rest, buf]) : buf;
    const first = lineNo;
    let start = 0;
    let nl = data.indexOf(10, start);
    const lines: string[] = [];
    while (nl !== -1) {
      let end = nl;
      if (end > start && data[end - 1] === 13) end--;
      lines.push(data.toString('utf8', start, end));
      start = nl + 1;
      nl = data.indexOf(10, start);
    }
    rest = start < data.length ? data.subarray(start) : null;
    lineNo += lines.length;
    if (lines.length > 0) yield { lines, firstLine: first, bytesRead: bytes };
  }
  if (rest && rest.length > 0) {
    let end = rest.length;
    if (rest[end - 1] === 13) end--;
    yield { lines: [rest.toString('utf8', 0, end)], firstLine: lineNo, bytesRead: bytes };
  }
}
