/**
 * Keys whose values are subscriber identities, in any spelling: `imsi`, `IMSI`, `Imsi`, `imsi_id`,
 * `subscriber`, `subscriberId`, `msisdn`, `imei`/`imeisv`. Their values — strings, numbers, anything —
 * are replaced by the pseudonym (primitives) or `"[redacted]"` (objects, arrays).
 */
const IDENTITY_KEY = /^(imsi|subscriber|msisdn|imei)/i;

/**
 * Digit runs that could be a subscriber identity, masked wherever they stand (inside other words
 * too): every run of 14 or more digits (an IMSI has 14–15; longer runs may embed one), and runs of
 * 10–13 digits starting with 2–7, the first digit of every mobile country code (MCC 202–750), so a
 * truncated IMSI (MCC + MNC + part of the MSIN) goes too. Cost: such numbers in other fields are masked
 * as well (10–13-digit phone numbers, numeric cell ids like 2220110015, epoch microseconds); epoch
 * milliseconds (13 digits starting with 1 until 2033) and seconds are kept.
 */
const IDENTITY_DIGITS = /\d{14,}|(?<!\d)[2-7]\d{9,12}(?!\d)/g;

/** `key: value` / `key=value` pairs of identity keys in text that is not JSON (`imsi:2220…;`, `IMSI = "…"`). */
const IDENTITY_PAIR = /((?:^|[^A-Za-z0-9_])(?:imsi|subscriber|msisdn|imei)[A-Za-z0-9_]*["']?\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;}\])&|]+)/gi;

const PSEUDO = /pseudo:[0-9a-f]{32}/g;

/**
 * Removes subscriber identities from text before it is stored (dead-letter payloads and details).
 * JSON is redacted by structure: the value of every identity key (see {@link IDENTITY_KEY}) becomes
 * `"pseudo:" + pseudonym(value)`, and every other string or number that holds an identity-looking digit
 * run (see {@link IDENTITY_DIGITS}) — an IMSI in `event`, `ts`, `cell` — is masked with `#`. Text that
 * is not JSON gets the same treatment by pattern: `imsi: value` pairs in any spelling, then every
 * identity-looking digit run.
 *
 * @example
 * redactPayload('{"IMSI":222012709640001,"event":"222012709640003"}', p)
 * // → '{"IMSI":"pseudo:…","event":"###############"}'
 */
export function redactPayload(raw: string, pseudonym: (imsi: string) => string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return redactText(raw, pseudonym);
  }
  if (typeof parsed !== 'object' || parsed === null) return redactText(raw, pseudonym);
  return JSON.stringify(redactValue(parsed, pseudonym));
}

/** Masks identity-looking digit runs in free text (error messages, details), leaving pseudonyms intact. */
export function maskDigits(text: string): string {
  const parts = text.split(PSEUDO);
  const tokens = text.match(PSEUDO) ?? [];
  return parts.map((p, i) => p.replace(IDENTITY_DIGITS, (d) => '#'.repeat(d.length)) + (tokens[i] ?? '')).join('');
}

function redactText(raw: string, pseudonym: (imsi: string) => string): string {
  const paired = raw.replace(IDENTITY_PAIR, (_m, key: string, value: string) => {
    const v = /^["']/.test(value) ? value.slice(1, -1) : value;
    return `${key}"pseudo:${pseudonym(v)}"`;
  });
  return maskDigits(paired);
}

function redactValue(v: unknown, pseudonym: (imsi: string) => string): unknown {
  if (typeof v === 'string') return maskDigits(v);
  if (typeof v === 'number' || typeof v === 'bigint') {
    const text = String(v);
    const masked = maskDigits(text);
    return masked === text ? v : masked;
  }
  if (Array.isArray(v)) return v.map((x) => redactValue(x, pseudonym));
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(v)) {
      if (IDENTITY_KEY.test(key)) {
        out[maskDigits(key)] = value !== null && typeof value === 'object' ? '[redacted]' : `pseudo:${pseudonym(String(value))}`;
      } else out[maskDigits(key)] = redactValue(value, pseudonym);
    }
    return out;
  }
  return v;
}
