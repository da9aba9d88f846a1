// The layers of citypulse and which way imports may point. Checked by `npm run lint:deps`
// (scripts/lint-deps.ts), which `npm test` runs before vitest.
//
//   core  ←  stages  ←  analytics  ←  adapters  ←  pipelines  ←  entry points
//
// An arrow means "may be imported by": every layer may import the layers to its left and its own,
// never one to its right. Paths are relative to the repository root.

/** core: event contracts and the few types every layer shares (errors, clock, key location, ports). */
const CORE = ['^schemas/', '^src/core/'];

/**
 * stages: the pure per-record steps of the pipeline over plain data — decode and validate (src/ingest,
 * without its sources), pseudonymise (src/privacy), locate (src/locate), window (src/window).
 */
const STAGES = ['^src/window/', '^src/locate/', '^src/privacy/', '^src/ingest/'];
const STAGES_NOT = ['^src/ingest/sources/'];

/**
 * analytics: pure engines over the stages' output (alert rules today; mobility, population, traffic
 * and audit to come). A capability's adapter folders (duckdb/, delivery/, plugin/, …) are adapters.
 */
const ANALYTICS = ['^src/alerts/engine/', '^src/(mobility|population|traffic|audit)/'];
const ANALYTICS_NOT = ['^src/[^/]+/(duckdb|postgres|delivery|kafka|http|plugin|tail|release)/'];

/**
 * adapters: everything that talks to the outside or wires a capability in — DuckDB, Parquet, HTTP,
 * Kafka sources, alert delivery, H3 SQL functions, zones, the SQL library, the job scheduler, the
 * simulator. In short: the rest of src/ except the CLI.
 */
const ADAPTERS = ['^src/'];
const ADAPTERS_NOT = [...CORE, ...STAGES, ...ANALYTICS, '^src/cli/'];

/** pipelines: the compositions of stages and adapters (file ingest, Kafka stream, repartition). */
const PIPELINES = ['^pipelines/'];

/** entry points: what a user or scheduler runs; they read process.env and argv and pass config down. */
const ENTRY_POINTS = ['^src/cli/', '^jobs/', '^bin/', '^bench/', '^scripts/'];

/** Ours = the repository's own code; npm packages and Node built-ins are not layered. */
const OURS = [...CORE, ...STAGES, ...ANALYTICS, ...ADAPTERS, ...PIPELINES, ...ENTRY_POINTS];

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
      from: { path: STAGES, pathNot: STAGES_NOT },
      to: { path: OURS, pathNot: [...CORE, ...STAGES] },
    },
    {
      name: 'stages-not-into-sources',
      comment: 'stages do not import the ingest sources (Kafka, line reader): those are adapters.',
      severity: 'error',
      from: { path: STAGES, pathNot: STAGES_NOT },
      to: { path: STAGES_NOT },
    },
    {
      name: 'analytics-are-pure',
      comment: 'analytics engines import only core, stages and analytics: no I/O adapters.',
      severity: 'error',
      from: { path: ANALYTICS, pathNot: ANALYTICS_NOT },
      to: { path: OURS, pathNot: [...CORE, ...STAGES, ...ANALYTICS] },
    },
    {
      name: 'analytics-not-into-adapters',
      comment: 'analytics engines do not import their own adapter folders (duckdb/, delivery/, plugin/, …).',
      severity: 'error',
      from: { path: ANALYTICS, pathNot: ANALYTICS_NOT },
      to: { path: [...ANALYTICS_NOT, ...STAGES_NOT] },
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
