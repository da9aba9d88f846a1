// Plain JavaScript on purpose, like node-version.js: read by the launchers' tests and by the benchmark.

/**
 * The V8 flags citypulse runs Node with: in the shebang of bin/citypulse.js (so `npx citypulse` and
 * an installed `citypulse` get them) and in package.json's `start` and `citypulse` scripts.
 *
 * `--max-semi-space-size=16`: a young generation of two 16 MiB semi-spaces. Node 24 sizes it from the
 * machine's memory — 64 MiB each on this 24 GiB machine — and a pipeline keeps all of it resident
 * while it runs. Measured on `ingest` of 1.05M devices (README "Performance", session 17): peak RSS
 * 1,251 → 1,141 MiB with no loss of speed (162 → 139 s in single runs). Run
 * `node --max-semi-space-size=N bin/citypulse.js …` for another size.
 */
export const NODE_FLAGS = ['--max-semi-space-size=16'];
