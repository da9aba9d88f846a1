/**
 * Removes subscriber identities from a raw payload before it is stored as a dead letter: the value of
 * every `imsi` field is replaced by `pseudonym(value)` prefixed with `pseudo:`, and any other run of
 * 14–15 digits (the shape of an IMSI) is masked. Works on text that is not valid JSON too.
 */
export function redactPayload(raw: string, pseudonym: (imsi: string) => string): string {
  return raw
    .replace(/("imsi"\s*:\s*)("(?:[^"\\]|\\.)*"|[^,}\]\s]+)/g, (_m, key: string, value: string) => {
      const v = value.startsWith('"') ? value.slice(1, -1) : value;
      return `${key}"pseudo:${pseudonym(v)}"`;
    })
    .replace(/(?<![\da-fA-F:])\d{14,15}(?![\da-fA-F])/g, (d) => '#'.repeat(d.length));
}
