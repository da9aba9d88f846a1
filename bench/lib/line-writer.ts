import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';

/** Appends lines to a file in ~4 MB writes, waiting for the stream to drain (bounded memory). */
export class LineWriter {
  readonly #out: WriteStream;
  #parts: string[] = [];
  #size = 0;

  constructor(path: string) {
    this.#out = createWriteStream(path);
  }

  async write(line: string): Promise<void> {
    this.#parts.push(line);
    this.#size += line.length + 1;
    if (this.#size >= 4 << 20) await this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#parts.length === 0) return;
    const ok = this.#out.write(this.#parts.join('\n') + '\n');
    this.#parts = [];
    this.#size = 0;
    if (!ok) await once(this.#out, 'drain');
  }

  async close(): Promise<void> {
    await this.#flush();
    await new Promise<void>((resolve, reject) => this.#out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}
