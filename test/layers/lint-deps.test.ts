import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = join(import.meta.dirname, '../../scripts/lint-deps.ts');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Writes `files` (path → source) into a fresh tree and runs the layer check on it. */
function check(files: Record<string, string>): { status: number | null; violations: Violation[]; stderr: string } {
  dir = mkdtempSync(join(tmpdir(), 'citypulse-layers-'));
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), source);
  }
  const r = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', SCRIPT, '--root', dir, '--output-type', 'json'], { encoding: 'utf8' });
  const violations = r.status === 2 ? [] : ((JSON.parse(r.stdout) as { summary: { violations: Violation[] } }).summary.violations);
  return { status: r.status, violations, stderr: r.stderr };
}

const pairs = (vs: Violation[]) => vs.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();

describe('the import layers (.dependency-cruiser.cjs via scripts/lint-deps.ts)', () => {
  it('passes a tree whose imports point one way (adapter folders inside a stage or capability included)', () => {
    const r = check({
      'schemas/events.ts': `export interface Ev { ts: number }\n`,
      'src/core/clock.ts': `import type { Ev } from '../../schemas/events.ts';\nexport const now = (e: Ev): number => e.ts;\n`,
      'src/window/engine.ts': `import { now } from '../core/clock.ts';\nexport const w = (x: number): number => now({ ts: x });\n`,
      'src/alerts/engine/rules.ts': `import { w } from '../../window/engine.ts';\nexport const r = w;\n`,
      'src/outputs/duckdb/sink.ts': `import { r } from '../../alerts/engine/rules.ts';\nimport { type Ev } from '../../../schemas/events.ts';\nexport const s = (e: Ev) => r(e.ts);\n`,
      'src/privacy/duckdb/keys.ts': `import { s } from '../../outputs/duckdb/sink.ts';\nexport const k = s;\n`,
      'src/mobility/plugin/wire.ts': `import { k } from '../../privacy/duckdb/keys.ts';\nimport { w } from '../../window/engine.ts';\nexport const p = [k, w];\n`,
      'pipelines/run.ts': `import { s } from '../src/outputs/duckdb/sink.ts';\nimport { p } from '../src/mobility/plugin/wire.ts';\nexport const run = s;\nexport const plugins = p;\n`,
      'src/cli/main.ts': `import { run } from '../../pipelines/run.ts';\nexport const main = run;\n`,
      'jobs/main.ts': `import { main } from '../src/cli/main.ts';\nmain({ ts: 1 });\n`,
    });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.violations).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('names every rule a planted import breaks, type-only imports and cycles included', () => {
    const r = check({
      'src/core/base.ts': `import type { Sink } from '../outputs/sink.ts';\nexport type Base = Sink;\n`,
      'src/outputs/sink.ts': `export interface Sink { n: number }\nimport { flag } from '../cli/flags.ts';\nexport const f = flag;\n`,
      'src/cli/flags.ts': `export const flag = 1;\n`,
      'src/locate/locator.ts': `import { lines } from '../ingest/sources/lines.ts';\nexport const l = lines;\n`,
      'src/ingest/sources/lines.ts': `export const lines = 2;\n`,
      'src/mobility/trips.ts': `import { store } from './duckdb/store.ts';\nexport const t = store;\n`,
      'src/alerts/engine/rules.ts': `import { w } from '../../window/engine.ts';\nimport { d } from '../delivery/webhook.ts';\nexport const r = w + d;\n`,
      'src/window/engine.ts': `import type { Sink } from '../outputs/sink.ts';\nexport const w = 5;\nexport type W = Sink;\n`,
      'src/population/model.ts': `import { q } from '../sql/q.ts';\nexport const m = q;\n`,
      'src/sql/q.ts': `export const q = 7;\n`,
      'src/alerts/delivery/webhook.ts': `export const d = 6;\n`,
      'src/mobility/duckdb/store.ts': `export const store = 3;\n`,
      'pipelines/run.ts': `import { x } from '../jobs/x.ts';\nexport const run = x;\n`,
      'jobs/x.ts': `export const x = 4;\n`,
      'src/zones/a.ts': `import { b } from './b.ts';\nexport const a = (): number => b();\n`,
      'src/zones/b.ts': `import { a } from './a.ts';\nexport const b = (): number => a();\n`,
    });
    expect(r.status).toBe(1);
    expect(pairs(r.violations)).toEqual(
      [
        'core-imports-only-core: src/core/base.ts → src/outputs/sink.ts',
        'adapters-not-into-pipelines-or-entry-points: src/outputs/sink.ts → src/cli/flags.ts',
        'stages-not-into-adapter-folders: src/locate/locator.ts → src/ingest/sources/lines.ts',
        'analytics-not-into-adapter-folders: src/mobility/trips.ts → src/mobility/duckdb/store.ts',
        'stages-import-core-and-stages: src/window/engine.ts → src/outputs/sink.ts',
        'analytics-are-pure: src/population/model.ts → src/sql/q.ts',
        'analytics-are-pure: src/alerts/engine/rules.ts → src/alerts/delivery/webhook.ts',
        'analytics-not-into-adapter-folders: src/alerts/engine/rules.ts → src/alerts/delivery/webhook.ts',
        'pipelines-not-into-entry-points: pipelines/run.ts → jobs/x.ts',
        'no-cycles: src/zones/a.ts → src/zones/b.ts',
      ].sort(),
    );
  });

  it('refuses a missing --root with a message naming it', () => {
    const r = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', SCRIPT, '--root', '/nonexistent/citypulse'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--root /nonexistent/citypulse does not exist');
  });
});
