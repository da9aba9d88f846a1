// Issue 9, point 5: one error base (kind → exit code / HTTP status) and one clear line per failure.
import { describe, expect, it } from 'vitest';
import { AreaError } from '../../src/alerts/areas/area-error.ts';
import { UsageError } from '../../src/cli/command.ts';
import { describeError } from '../../src/cli/describe-error.ts';
import { CitypulseError } from '../../src/core/citypulse-error.ts';
import { H3SqlError } from '../../src/h3-sql/h3-scalar-function.ts';
import { IngestError } from '../../src/ingest/errors.ts';
import { JobError } from '../../src/jobs/run/job-task.ts';
import { DatabaseBusyError } from '../../src/jobs/store/open-with-retry.ts';
import { CellTableError } from '../../src/locate/cell-table.ts';
import { ApiError } from '../../src/outputs/http/api-error.ts';
import { LakeError } from '../../src/outputs/lake/lake-error.ts';
import { QueryError } from '../../src/sql/query-error.ts';
import { ZoneError } from '../../src/zones/zone-error.ts';
import { runMain } from './support/run-main.ts';

describe('every error class extends CitypulseError with its kind', () => {
  const cases: [Error, string, number, number][] = [
    [new UsageError('x'), 'usage', 2, 400],
    [new CellTableError('x'), 'usage', 2, 400],
    [new AreaError('x'), 'usage', 2, 400],
    [new ZoneError('x'), 'usage', 2, 400],
    [new ZoneError('x', { kind: 'not_found' }), 'not_found', 2, 404],
    [new QueryError('x'), 'usage', 2, 400],
    [new H3SqlError('x'), 'usage', 2, 400],
    [new IngestError('x'), 'internal', 1, 500],
    [new LakeError('x'), 'internal', 1, 500],
    [new JobError('x'), 'internal', 1, 500],
    [new DatabaseBusyError('db', 10, null), 'conflict', 2, 409],
    [new ApiError('not_found', 'x'), 'not_found', 2, 404],
    [new ApiError('bad_parameter', 'x'), 'usage', 2, 400],
  ];
  for (const [err, kind, exit, status] of cases) {
    it(`${err.name} → ${kind}`, () => {
      expect(err).toBeInstanceOf(CitypulseError);
      const e = err as CitypulseError;
      expect(e.kind).toBe(kind);
      expect(e.exitCode).toBe(exit);
      expect(e.httpStatus).toBe(status);
    });
  }

  it('keeps context, cause and retriable', () => {
    const cause = new Error('disk full');
    const e = new LakeError('lake: cannot write', { path: '/lake/x.parquet', windowStart: 5, cause });
    expect(e.context).toMatchObject({ path: '/lake/x.parquet', windowStart: 5 });
    expect(e.cause).toBe(cause);
    expect(new JobError('x').retriable).toBe(true);
    expect(new JobError('x', { retriable: false }).retriable).toBe(false);
    expect(new DatabaseBusyError('db', 1, null).retriable).toBe(true);
    expect(new ApiError('query_timeout', 'slow').status).toBe(503);
  });
});

describe('describeError: one line, each cause once', () => {
  it('folds a cause chain and drops causes the message already quotes (hand cases)', () => {
    const duck = new Error('IO Error: No files found that match the pattern "x.csv"\nLINE 1: …');
    const wrapped = new QueryError(`query q: IO Error: No files found that match the pattern "x.csv"`, { cause: duck });
    expect(describeError(wrapped)).toEqual({ message: 'query q: IO Error: No files found that match the pattern "x.csv"', kind: 'usage', exitCode: 2 });
    const chain = new CitypulseError('cannot export', { cause: new Error('cannot open out/h.csv', { cause: new Error('EACCES: permission denied') }) });
    expect(describeError(chain)).toEqual({ message: 'cannot export: cannot open out/h.csv: EACCES: permission denied', kind: 'internal', exitCode: 1 });
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open 'x'"), { code: 'ENOENT' });
    expect(describeError(enoent).exitCode).toBe(2);
    expect(describeError('a string').message).toBe('a string');
  });
});

describe('main prints one line and exits by kind', () => {
  it('a usage error: one line with the help hint, exit 2', async () => {
    const r = await runMain(['ingest', '--cells', 'c.csv']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('citypulse ingest: --from is required (see citypulse ingest --help)\n');
  });

  it('a failure with a cause: the cause folded into the same line, not repeated (was: "caused by:")', async () => {
    const r = await runMain(['simulate', '--out', '/tmp/citypulse-never-written', '--zones', '/no/such/zones.geojson']);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      "citypulse simulate: cannot read --zones /no/such/zones.geojson: ENOENT: no such file or directory, open '/no/such/zones.geojson' (see citypulse simulate --help)\n",
    );
  });

  it('CITYPULSE_DEBUG=1 adds the stack after the line', async () => {
    const r = await runMain(['merge', '--into', 'x.duckdb', 'nope.duckdb'], { env: { CITYPULSE_DEBUG: '1' } });
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe('citypulse merge: nope.duckdb: no such file (see citypulse merge --help)');
    expect(r.err).toMatch(/\n\s+at /);
  });

  it('unknown command and bad --log-format are usage errors', async () => {
    expect(await runMain(['frobnicate'])).toMatchObject({ code: 2, err: 'citypulse: unknown command "frobnicate" (run citypulse --help for the list)\n' });
    expect(await runMain(['--log-format', 'xml', 'sql', 'list'])).toMatchObject({ code: 2, err: 'citypulse: --log-format must be one of text, json, got "xml"\n' });
    expect((await runMain(['sql', 'list'], { env: { CITYPULSE_LOG_FORMAT: 'yaml' } })).code).toBe(2);
  });

  it('--log-format json / CITYPULSE_LOG_FORMAT=json: the error as one JSON line', async () => {
    for (const r of [await runMain(['--log-format', 'json', 'ingest']), await runMain(['ingest', '--log-format=json']), await runMain(['ingest'], { env: { CITYPULSE_LOG_FORMAT: 'json' } })]) {
      expect(r.code).toBe(2);
      const lines = r.err.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', type: 'cli.error', command: 'ingest', kind: 'usage', exitCode: 2, message: '--from is required (see citypulse ingest --help)' });
    }
  });
});

describe('the HTTP layer maps kind → status', () => {
  it('apiErrorOf: usage 400, not_found 404, anything else 500 without detail', async () => {
    const { apiErrorOf } = await import('../../src/outputs/http/api-error.ts');
    const usage = apiErrorOf(new QueryError('query heatmap (/srv/citypulse/sql/heatmap.sql): bad res'));
    expect([usage.status, usage.code, usage.message]).toEqual([400, 'bad_parameter', 'query heatmap (heatmap.sql): bad res']);
    const missing = apiErrorOf(new ZoneError('unknown zone system "x" (known: a)', { kind: 'not_found' }));
    expect([missing.status, missing.code]).toEqual([404, 'not_found']);
    const internal = apiErrorOf(new LakeError('lake: cannot write /srv/lake/x.parquet'));
    expect([internal.status, internal.message]).toEqual([500, 'internal server error; see the server log']);
    expect(apiErrorOf(new Error('boom')).status).toBe(500);
    const own = new ApiError('query_timeout', 'slow');
    expect(apiErrorOf(own)).toBe(own);
  });
});
