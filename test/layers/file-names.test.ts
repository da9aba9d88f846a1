import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../..');

/** Folders whose file names follow the kebab-case rule (sql/ and notebooks/ keep the names users call). */
const FOLDERS = ['src', 'test', 'jobs', 'pipelines', 'bench', 'scripts', 'bin', 'schemas', 'docs'];

/** kebab-case words, then one or more lowercase extensions (`.test.ts`, `.schema.json`, `.tar.gz`). */
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+)+$/;
/** Names fixed by convention elsewhere. */
const CONVENTIONAL = new Set(['README.md']);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name.startsWith('.')) return [];
    const path = join(dir, e.name);
    return e.isDirectory() ? [path, ...files(path)] : [path];
  });
}

describe('names', () => {
  it('every file and folder under the code folders is kebab-case', () => {
    const all = FOLDERS.flatMap((f) => files(join(REPO, f))).map((p) => relative(REPO, p));
    expect(all.length).toBeGreaterThan(300);
    const bad = all.filter((p) => {
      const name = p.split('/').pop()!;
      // Java (the Kafka Streams peer in bench/peers) names files after their classes, as Java requires.
      if (name.endsWith('.java')) return false;
      return !CONVENTIONAL.has(name) && !KEBAB.test(name) && !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name);
    });
    expect(bad).toEqual([]);
  });
});
