#!/usr/bin/env -S node --max-semi-space-size=16
// Thin launcher (its Node flags: bin/node-flags.js): the CLI is TypeScript run directly by Node's type stripping (Node >= 22.18). The
// version is checked before any .ts file is imported, so an old Node prints one line instead of
// ERR_UNKNOWN_FILE_EXTENSION.
import { requireNode } from './node-version.js';

requireNode();
const [{ runFromProcess }, { JOB_REGISTRY }] = await Promise.all([import('../src/cli/main.ts'), import('../jobs/index.ts')]);
await runFromProcess({ jobs: JOB_REGISTRY });
