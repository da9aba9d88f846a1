import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Alert } from '../../../schemas/alert.ts';

/**
 * Appends alerts to an NDJSON file, one JSON object (alert.schema.json) per line. The file is
 * created with its folder when missing and never truncated: a rerun appends, and readers dedupe on
 * (alert_id, seq).
 */
export class NdjsonAlertFile {
  readonly path: string;
  #ready = false;

  constructor(path: string) {
    this.path = path;
  }

  async append(alerts: readonly Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    if (!this.#ready) {
      await mkdir(dirname(this.path), { recursive: true });
      this.#ready = true;
    }
    await appendFile(this.path, alerts.map((a) => JSON.stringify(a) + '\n').join(''));
  }
}
