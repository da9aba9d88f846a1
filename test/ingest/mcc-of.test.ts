import { describe, expect, it } from 'vitest';
import { mccOf } from '../../src/locate/record-locator.ts';

describe('mccOf', () => {
  it('the first three digits of an IMSI, one shared string per MCC; null otherwise', () => {
    expect(mccOf('222010000000001')).toBe('222');
    expect(mccOf('001010000000001')).toBe('001');
    expect(mccOf('999')).toBe('999');
    expect(mccOf('22')).toBeNull();
    expect(mccOf('')).toBeNull();
    expect(mccOf('2a2010000000001')).toBeNull();
    expect(mccOf('x22010000000001')).toBeNull();
    expect(mccOf('22/')).toBeNull(); // '/' is the code point just below '0'
    expect(mccOf('22:')).toBeNull(); // ':' just above '9'
    expect(mccOf('٢٢٢010000000001')).toBeNull(); // Arabic-Indic digits are not MCC digits
    for (let i = 0; i < 1000; i++) {
      const m = String(i).padStart(3, '0');
      expect(mccOf(`${m}0100000001`)).toBe(m);
    }
  });
});
