#!/usr/bin/env node
// `npm start`: checks the Node version (one line instead of ERR_UNKNOWN_FILE_EXTENSION on Node < 22.18),
// then runs the main job, jobs/main.ts, in this process with the same arguments.
import { requireNode } from './node-version.js';

requireNode();
await import('../jobs/main.ts');
