// The layers of citypulse and which way imports may point. Checked by `npm run lint:deps`
// (scripts/lint-deps.ts), which `npm test` runs before vitest.
//
//   core  ←  stages  ←  analytics  ←  adapters  ←  pipelines  ←  entry points
//
// An arrow means "may be imported by": every layer may import the layers to its left and its own,
// never one to its right. No cycles anywhere. Paths are relative to the repository root.

/** core: the event contracts and the few things every layer shares (errors, clock, time zones, ports). */
const CORE = ['^schemas/', '^src/core/'];

/**
 * Adapter folders inside a stage or a capability (the shape of src/alerts/): DuckDB, PostgreSQL, Kafka,
 * HTTP, alert delivery, pipeline plugins, releases and exports, ingest sources. They belong to the
 * adapters layer wherever they sit.
 */
const ADAPTER_FOLDERS = ['^src/[^/]+/(duckdb|postgres|kafka|http|delivery|plugin|tail|release|export|sources|report)/'];

/**
 * stages: the pure per-record steps of the pipeline over plain data — decode and validate
 * (src/ingest), pseudonymise (src/privacy), locate (src/locate), window (src/window) — without their
 * adapter folders (src/ingest/sources/ and the like).
 */
const STAGES = ['^src/window/', '^src/locate/', '^src/privacy/', '^src/ingest/'];

/**
 * analytics: pure engines over the stages' output: alert rules today (src/alerts/engine/); mobility,
 * population, traffic and audit to come, each without its adapter folders.
 */
const ANALYTICS = ['^src/alerts/engine/', '^src/(mobility|population|traffic|audit)/'];

/**
 * adapters: everything that talks to the outside or wires a capability in — DuckDB, Parquet, HTTP
 * (src/outputs), Kafka sources, alert areas and delivery, H3 SQL functions, zones, the SQL library, the
 * job scheduler (src/jobs), the simulator. In short: the rest of src/ except the CLI.
 */
const ADAPTERS = ['^src/'];

/** pipelines: the compositions of stages and adapters (file ingest, Kafka stream, repartition). */
const PIPELINES = ['^pipelines/'];

/** entry points: what a user or scheduler runs; they read process.env and argv and pass config down. */
const ENTRY_POINTS = ['^src/cli/', '^jobs/', '^bin/', '^bench/', '^scripts/'];

/** Ours = the repository's own code; npm packages and Node built-ins are not layered. */
const OURS = [...CORE, ...ADAPTERS, ...PIPELINES, ...ENTRY_POINTS];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-only-core',
      comment: 'core (schemas/, src/core/) imports nothing of ours but core.',
      severity: 'error',
      from: { path: CORE },
      to: { path: OURS, pathNot: CORE },
    },
    {
      name: 'stages-import-core-and-stages',
      comment: 'stages (window, locate, privacy, ingest decode/validate) import only core and stages.',
      severity: 'error',
      from: { path: STAGES, pathNot: ADAPTER_FOLDERS },
      to: { path: OURS, pathNot: [...CORE, ...STAGES] },
    },
    {
      name: 'stages-not-into-adapter-folders',
      comment: 'stages do not import adapter folders, not even their own (src/ingest/sources/, src/privacy/duckdb/, …).',
      severity: 'error',
      from: { path: STAGES, pathNot: ADAPTER_FOLDERS },
      to: { path: ADAPTER_FOLDERS },
    },
    {
      name: 'analytics-are-pure',
      comment: 'analytics engines import only core, stages and analytics: no I/O adapters.',
      severity: 'error',
      from: { path: ANALYTICS, pathNot: ADAPTER_FOLDERS },
      to: { path: OURS, pathNot: [...CORE, ...STAGES, ...ANALYTICS] },
    },
    {
      name: 'analytics-not-into-adapter-folders',
      comment: 'analytics engines do not import adapter folders, not even their own (duckdb/, delivery/, plugin/, …).',
      severity: 'error',
      from: { path: ANALYTICS, pathNot: ADAPTER_FOLDERS },
      to: { path: ADAPTER_FOLDERS },
    },
    {
      name: 'adapters-not-into-pipelines-or-entry-points',
      comment: 'nothing in src/ imports pipelines/, jobs/ or the CLI (src/cli/): only entry points compose.',
      severity: 'error',
      from: { path: ADAPTERS, pathNot: ['^src/cli/'] },
      to: { path: [...PIPELINES, ...ENTRY_POINTS] },
    },
    {
      name: 'pipelines-not-into-entry-points',
      comment: 'pipelines/ compose src/ and are called by entry points, never the other way round.',
      severity: 'error',
      from: { path: PIPELINES },
      to: { path: ENTRY_POINTS },
    },
    {
      name: 'no-cycles',
      comment: 'no import cycles among our modules.',
      severity: 'error',
      from: { path: OURS },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    preserveSymlinks: true,
    moduleSystems: ['es6'],
    // scripts/lint-deps.ts hands dependency-cruiser a type-stripped copy of the sources (file.ts →
    // file.ts.mjs), so `import './x.ts'` resolves through the `.mjs` extension.
    enhancedResolveOptions: { extensions: ['.mjs', '.js', '.json'] },
  },
};
