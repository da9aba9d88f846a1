#!/usr/bin/env node
// Thin launcher: the CLI is TypeScript run directly by Node's type stripping (Node >= 22.18).
import { runFromProcess } from '../src/cli/main.ts';

await runFromProcess();
