// Plain JavaScript on purpose: this runs before any .ts file is imported, on whatever Node the user has.

/** The oldest Node that runs citypulse's .ts files directly (type stripping on by default). */
export const MIN_NODE = [22, 18, 0];

/**
 * Null when `version` (e.g. process.versions.node, "24.1.0") can run citypulse, else the one line to
 * print: the version needed and how to get it.
 * @param {string} version
 * @returns {string | null}
 */
export function nodeVersionProblem(version) {
  const [major = 0, minor = 0, patch = 0] = String(version).split('.').map((n) => Number.parseInt(n, 10) || 0);
  const have = [major, minor, patch];
  for (let i = 0; i < 3; i++) {
    if (have[i] > MIN_NODE[i]) return null;
    if (have[i] < MIN_NODE[i]) {
      return (
        `citypulse needs Node.js ≥ 22.18 (24 recommended); this is Node ${version}. ` +
        'Install Node 24 (https://nodejs.org, or `nvm install 24`, or `npx -y node@24 …`) and run again.'
      );
    }
  }
  return null;
}

/** Prints the problem and exits 1 when this Node is too old; otherwise does nothing. */
export function requireNode() {
  const problem = nodeVersionProblem(process.versions.node);
  if (problem) {
    process.stderr.write(problem + '\n');
    process.exit(1);
  }
}
