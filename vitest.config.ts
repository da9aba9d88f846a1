import { defineConfig } from 'vitest/config';

/**
 * Test suites by what they need, so the inner loop needs nothing outside the repository:
 * - `kafka`: a real Kafka broker (Java 17 + Maven; test/kafka/broker.ts starts or reuses one);
 * - `browser`: Chromium (files named *.browser.test.ts);
 * - `notebooks`: Jupyter (jupyter-nbconvert, python3-ipykernel, tslab);
 * - `e2e`: Node only, but whole simulated days end to end (test/e2e/, files named *e2e*): minutes, not seconds;
 * - `unit`: everything else — DuckDB in memory or temp files, the CLI in-process or as a child.
 * `npm test` runs every project; `npm run test:unit` runs `unit` only (the inner loop).
 */
export const KAFKA_SUITES = ['test/kafka/**/*.test.ts', 'test/alerts/kafka.test.ts', 'test/alerts/e2e-stream.test.ts'];
export const BROWSER_SUITES = ['test/**/*.browser.test.ts'];
export const NOTEBOOK_SUITES = ['test/notebooks/**/*.test.ts'];
export const E2E_SUITES = ['test/e2e/**/*.test.ts', 'test/**/*e2e*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Under CI also a JSON report, from which .ci/run prints the closing "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.cache/vitest-results.json' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...KAFKA_SUITES, ...BROWSER_SUITES, ...NOTEBOOK_SUITES, ...E2E_SUITES] } },
      { extends: true, test: { name: 'e2e', include: E2E_SUITES, exclude: KAFKA_SUITES } },
      { extends: true, test: { name: 'kafka', include: KAFKA_SUITES } },
      { extends: true, test: { name: 'browser', include: BROWSER_SUITES } },
      { extends: true, test: { name: 'notebooks', include: NOTEBOOK_SUITES } },
    ],
  },
});
