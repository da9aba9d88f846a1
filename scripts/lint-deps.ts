/**
 * Checks that imports point one way (the layers named in `.dependency-cruiser.cjs`) with
 * dependency-cruiser, and exits non-zero on a violation.
 *
 *   node scripts/lint-deps.ts [--output-type err|err-long|text|json|dot|mermaid] [--root DIR]
 *
 * Why a wrapper: dependency-cruiser 18 parses TypeScript through the `typescript` package's JS API
 * (versions < 7); this project uses TypeScript 7, which has no such API. So the sources are first
 * type-stripped with Node's own `stripTypeScriptTypes` (the stripper Node runs our `.ts` files with)
 * into a temporary copy, `a/b.ts` → `a/b.ts.mjs`; type-only imports are turned into plain imports
 * first so they count as dependencies too. dependency-cruiser then cruises that copy with the
 * repository's rule file, and the report names the original `.ts` paths.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const USAGE = `usage: node scripts/lint-deps.ts [--output-type TYPE] [--root DIR]

Checks the import layers of .dependency-cruiser.cjs with dependency-cruiser; exits 1 on a violation
(with the err, err-long and json reporters; the others only draw the graph).
  --output-type TYPE   dependency-cruiser reporter (default err; e.g. err-long, text, json, dot, mermaid)
  --root DIR           the tree to check (default: this repository; the tests check small fixtures)
  --help               this text
`;

/** Folders of ours that are cruised (test/ is copied too, since scripts import test support). */
const ROOTS = ['src', 'pipelines', 'jobs', 'schemas', 'bin', 'bench', 'scripts'];
const COPIED = [...ROOTS, 'test'];

/** Rewrites type-only imports and re-exports as value ones, so stripping keeps the dependency. */
function keepTypeImports(source: string): string {
  return source
    .replace(/^(\s*)import type\s+/gm, '$1import ')
    .replace(/^(\s*)export type(\s*\{[^}]*\}\s*from\s)/gm, '$1export$2')
    .replace(/^(\s*(?:import|export)\s*\{)([^}]*)(\}\s*from\s)/gm, (_m, head: string, names: string, tail: string) =>
      head + names.replace(/(^|[,{\s])type\s+(?=[A-Za-z_$])/g, '$1') + tail,
    );
}

function copyTree(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      mkdirSync(target, { recursive: true });
      copyTree(source, target);
    } else if (entry.name.endsWith('.ts')) {
      const stripped = stripTypeScriptTypes(keepTypeImports(readFileSync(source, 'utf8')), { mode: 'strip' });
      writeFileSync(`${target}.mjs`, stripped);
    } else if (/\.(m?js|cjs|json)$/.test(entry.name)) {
      cpSync(source, target);
    }
  }
}

function main(argv: readonly string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  let outputType = 'err';
  let root = repo;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if ((flag === '--output-type' || flag === '--root') && (value === undefined || value.startsWith('--'))) {
      process.stderr.write(`lint-deps: ${flag} needs a value\n${USAGE}`);
      return 2;
    }
    if (flag === '--output-type') outputType = argv[++i]!;
    else if (flag === '--root') root = resolve(argv[++i]!);
    else {
      process.stderr.write(`lint-deps: unknown argument ${flag}\n${USAGE}`);
      return 2;
    }
  }
  if (!existsSync(root)) {
    process.stderr.write(`lint-deps: --root ${root} does not exist\n`);
    return 2;
  }
  const copy = mkdtempSync(join(tmpdir(), 'citypulse-lint-deps-'));
  try {
    for (const folder of COPIED) {
      if (!existsSync(join(root, folder))) continue;
      mkdirSync(join(copy, folder), { recursive: true });
      copyTree(join(root, folder), join(copy, folder));
    }
    symlinkSync(join(repo, 'node_modules'), join(copy, 'node_modules'));
    const result = spawnSync(
      process.execPath,
      [
        join(repo, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs'),
        '--config',
        join(repo, '.dependency-cruiser.cjs'),
        '--output-type',
        outputType,
        ...ROOTS.filter((folder) => existsSync(join(copy, folder))),
      ],
      { cwd: copy, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    const original = (text: string): string => text.replaceAll('.ts.mjs', '.ts');
    process.stdout.write(original(result.stdout ?? ''));
    process.stderr.write(original(result.stderr ?? ''));
    if (result.error !== undefined) throw result.error;
    if (result.status !== 0) return 1;
    // dependency-cruiser fails the run only for its err reporters; for json, read the summary.
    if (outputType === 'json') return (JSON.parse(result.stdout) as { summary: { error: number } }).summary.error > 0 ? 1 : 0;
    return 0;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

process.exitCode = main(process.argv.slice(2));
