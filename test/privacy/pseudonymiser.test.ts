import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Pseudonymiser } from '../../src/privacy/pseudonymiser.ts';

const KEY = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff);

/** The pseudonym recomputed independently: HMAC-SHA-256 of the IMSI under the key, first 16 bytes in hex. */
const expected = (imsi: string) => createHmac('sha256', KEY).update(imsi).digest('hex').slice(0, 32);

describe('Pseudonymiser cache', () => {
  it('gives every IMSI its own HMAC, whatever the cache holds: digits of any length and leading zeros, other strings, after the cache is cleared', () => {
    const imsiArb = fc.oneof(
      fc.stringMatching(/^[0-9]{1,15}$/),
      fc.stringMatching(/^0{1,4}[0-9]{1,6}$/),
      fc.stringMatching(/^[0-9]{16,20}$/),
      fc.string({ minLength: 0, maxLength: 20 }),
    );
    fc.assert(
      fc.property(fc.array(imsiArb, { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 64 }), (imsis, cacheSize) => {
        const p = new Pseudonymiser({ key: KEY, cacheSize });
        // Twice over, so that most second lookups hit the cache (or find it cleared).
        for (const imsi of [...imsis, ...imsis]) expect(p.pseudonym(imsi)).toBe(expected(imsi));
      }),
      { numRuns: 80 },
    );
  });

  it('keeps IMSIs that differ only by leading zeros, or by one digit, apart', () => {
    const p = new Pseudonymiser({ key: KEY });
    const imsis = ['1', '01', '001', '000000000000001', '222010000000001', '222010000000002', '999999999999999', '4294967296', '4294967295'];
    const ids = imsis.map((i) => p.pseudonym(i));
    expect(new Set(ids).size).toBe(imsis.length);
    expect(imsis.map((i) => p.pseudonym(i))).toEqual(imsis.map(expected));
  });

  it('holds a large population through growth', () => {
    const p = new Pseudonymiser({ key: KEY });
    const imsis = Array.from({ length: 50_000 }, (_, i) => `22201${String(i * 7919).padStart(10, '0')}`);
    const first = imsis.map((i) => p.pseudonym(i));
    expect(imsis.map((i) => p.pseudonym(i))).toEqual(first);
    for (let i = 0; i < imsis.length; i += 997) expect(first[i]).toBe(expected(imsis[i]!));
    // Released (the end of a finite input), the cache starts small again and gives the same pseudonyms.
    p.releaseCache();
    expect(imsis.map((i) => p.pseudonym(i))).toEqual(first);
    expect(p.pseudonym('not digits')).toBe(expected('not digits'));
  });
});
