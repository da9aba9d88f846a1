import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * The one documented place for citypulse's secrets (pseudonymisation key, ledger signing key):
 * `$CITYPULSE_KEY_DIR`, else `$XDG_CONFIG_HOME/citypulse`, else `~/.config/citypulse` — never relative
 * to the current folder, so a command run from another folder finds the same keys.
 * Entry points (CLI, jobs) call this with `process.env`; library code receives the resolved paths.
 */
export function resolveKeyDir(env: Readonly<Record<string, string | undefined>>): string {
  const dir = env.CITYPULSE_KEY_DIR || (env.XDG_CONFIG_HOME ? join(env.XDG_CONFIG_HOME, 'citypulse') : join(homedir(), '.config', 'citypulse'));
  return isAbsolute(dir) ? dir : resolve(dir);
}

/**
 * Path of a named key file: an explicit override (flag or variable, made absolute) wins, else
 * `<key dir>/<fileName>`.
 *
 * @example
 * resolveKeyFile(process.env, 'pseudonym.key', flags['key-file'] ?? process.env.CITYPULSE_KEY_FILE)
 */
export function resolveKeyFile(env: Readonly<Record<string, string | undefined>>, fileName: string, override?: string): string {
  if (override) return resolve(override);
  return join(resolveKeyDir(env), fileName);
}
