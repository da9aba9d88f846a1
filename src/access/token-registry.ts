import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CitypulseError } from '../core/citypulse-error.ts';

/** What the registry knows of one issued token (never the token itself: it is a signed JWT). */
export interface TokenRecord {
  /** The JWT's `jti`. */
  id: string;
  name: string;
  scopes: string[];
  created_at: string;
  /** Null: no expiry. */
  expires_at: string | null;
  /** Set by `citypulse tokens revoke`; the server refuses the token from then on. */
  revoked_at: string | null;
}

interface RegistryFile {
  version: 1;
  tokens: TokenRecord[];
}

/**
 * The token registry: a small JSON file in the key dir (`<key dir>/tokens.json`, 0600) listing issued
 * tokens and their revocations. It lives beside the keys, not in the database, so tokens can be
 * created and revoked — and `serve` learns of a revocation at its next request — while a `stream`
 * process holds the database. Writes replace the file atomically (write, then rename).
 */
export class TokenRegistry {
  readonly path: string;
  #mtimeMs = -1;
  #cache: TokenRecord[] = [];

  constructor(path: string) {
    this.path = path;
  }

  /** Every record, re-read when the file changed since the last call. */
  list(): TokenRecord[] {
    if (!existsSync(this.path)) return [];
    const mtime = statSync(this.path).mtimeMs;
    if (mtime !== this.#mtimeMs) {
      let parsed: RegistryFile;
      try {
        parsed = JSON.parse(readFileSync(this.path, 'utf8')) as RegistryFile;
      } catch (cause) {
        throw new CitypulseError(`token registry ${this.path} is not valid JSON`, { cause, file: this.path });
      }
      this.#cache = parsed.tokens ?? [];
      this.#mtimeMs = mtime;
    }
    return this.#cache;
  }

  /** The record of token `id`, if issued here. */
  get(id: string): TokenRecord | undefined {
    return this.list().find((t) => t.id === id);
  }

  /** Adds a record. */
  add(record: TokenRecord): void {
    this.#write([...this.list(), record]);
  }

  /** Marks every token called `nameOrId` (name or id) revoked; returns those changed. */
  revoke(nameOrId: string, at: Date): TokenRecord[] {
    const changed: TokenRecord[] = [];
    const next = this.list().map((t) => {
      if ((t.name !== nameOrId && t.id !== nameOrId) || t.revoked_at) return t;
      const r = { ...t, revoked_at: at.toISOString() };
      changed.push(r);
      return r;
    });
    if (changed.length > 0) this.#write(next);
    return changed;
  }

  #write(tokens: TokenRecord[]): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, tokens } satisfies RegistryFile, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, this.path);
    this.#mtimeMs = -1;
  }
}
