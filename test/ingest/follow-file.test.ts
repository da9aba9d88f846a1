import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { followFile } from '../../src/ingest/sources/follow-file.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'follow-file-'));
  dirs.push(dir);
  const file = join(dir, 'events.ndjson');
  writeFileSync(file, text);
  return file;
}

async function collect(it: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const b of it) parts.push(b);
  return Buffer.concat(parts).toString('utf8');
}

describe('followFile', () => {
  it('reads what a writer appends while it runs, including the last bytes before it finishes', async () => {
    const file = tempFile('a\n');
    let finish!: () => void;
    const done = new Promise<void>((r) => (finish = r));
    const reading = collect(followFile(file, { done, pollMs: 2, chunkBytes: 3 }));
    for (const line of ['bb\n', 'ccc\n', 'dddd\n']) {
      await sleep(10);
      appendFileSync(file, line);
    }
    // Written just before the writer says it is done: must still be read.
    appendFileSync(file, 'last\n');
    finish();
    expect(await reading).toBe('a\nbb\nccc\ndddd\nlast\n');
  });

  it('reads a finished file whole, in chunks of the configured size', async () => {
    const text = Array.from({ length: 1000 }, (_, i) => `{"n":${i}}`).join('\n') + '\n';
    const file = tempFile(text);
    const chunks: number[] = [];
    for await (const b of followFile(file, { done: Promise.resolve(), chunkBytes: 4096 })) chunks.push(b.length);
    expect(chunks.reduce((a, n) => a + n, 0)).toBe(Buffer.byteLength(text));
    expect(Math.max(...chunks)).toBe(4096);
  });

  it('fails with the writer\'s error after reading what it wrote', async () => {
    const file = tempFile('partial\n');
    const seen: string[] = [];
    const failing = (async () => {
      for await (const b of followFile(file, { done: Promise.reject(new Error('simulator exited 1')), pollMs: 2 })) seen.push(b.toString());
    })();
    await expect(failing).rejects.toThrow('simulator exited 1');
    expect(seen.join('')).toBe('partial\n');
  });

  it('stops when its signal aborts, even while the writer runs', async () => {
    const file = tempFile('x\n');
    const ac = new AbortController();
    const reading = collect(followFile(file, { done: new Promise(() => {}), signal: ac.signal, pollMs: 2 }));
    await sleep(20);
    ac.abort();
    expect(await reading).toBe('x\n');
  });
});
