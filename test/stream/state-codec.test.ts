import { serialize } from 'node:v8';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeState, encodeState, encodeStateSized } from '../../src/core/state-codec.ts';
import { mulberry32 } from '../support/mulberry32.ts';

describe('checkpoint state codec', () => {
  const state = { engine: { closedUntil: 1_700_000_000_000, devices: [['d1', null, '8928308280fffff', [[1, 'a', true, 'tau']]]] }, stats: { late: 3, kinds: { tau: 2 } }, note: 'zoë' };

  it('round-trips plain data', () => {
    expect(decodeState(encodeState(state))).toEqual(state);
  });

  it('captures the state when called: changes made afterwards do not leak in', () => {
    const live = structuredClone(state);
    const pending = encodeState(live);
    live.stats.late = 99;
    live.engine.devices.length = 0;
    expect(decodeState(pending)).toEqual(state);
  });

  it('cuts long arrays and typed arrays into slices and puts them back, at every depth it walks, without touching the live state', () => {
    const r = mulberry32(7);
    const tracks = Array.from({ length: 10_001 }, (_, i) => ({ device: `d${i}`, lastSeen: r() * 1e12, exc: i % 3 === 0 ? [] : [{ ts: i, h3: 'x' }], prev: i % 5 === 0 ? null : { h3: `h${i % 17}` } }));
    const big = new Float64Array(1_300_000).map(() => r());
    const ints = new Int32Array(2_500_000).map((_, i) => i - 7);
    const nan = new Float64Array(600_000).fill(NaN);
    const live = {
      engine: { closedUntil: null, held: { strings: ['a', 'b'], device: tracks.map((t) => t.device), ts: big, h3: ints, prevTs: nan, small: new Uint32Array([1, 2, 3]) } },
      consumers: { mobility: { tracks, od: [[1, [['a|b', 2]]]], now: 5 }, traffic: tracks.slice(0, 4097), cells: { day: 3, seen: { keys: new Uint32Array(1 << 21).fill(9), hi: new BigUint64Array(3) } } },
      stats: { kinds: new Map([['tau', 1]]) },
      empty: [],
    };
    const copy = structuredClone(live);
    const { rawBytes, encoded: blob } = encodeStateSized(live);
    expect(live).toEqual(copy); // the live state is not changed by the cut
    expect(rawBytes).toBeGreaterThan(big.byteLength + ints.byteLength);
    const back = decodeState<typeof live>(blob);
    expect(back).toEqual(copy);
    expect(back.engine.held.ts).toBeInstanceOf(Float64Array);
    expect(back.consumers.cells.seen.keys).toBeInstanceOf(Uint32Array);
    expect(back.consumers.mobility.tracks).toHaveLength(10_001);
    expect(back.stats.kinds).toBeInstanceOf(Map);
  });

  it('still reads the single-value V8 format of earlier checkpoints, and their gzip JSON', () => {
    const v1 = Buffer.concat([Buffer.from('CPV8\x01', 'latin1'), gzipSync(serialize(state))]);
    expect(decodeState(v1)).toEqual(state);
    expect(decodeState(gzipSync(Buffer.from(JSON.stringify(state))))).toEqual(state);
  });

  it('refuses a truncated blob with an error', () => {
    const blob = encodeState({ a: Array.from({ length: 9000 }, (_, i) => i) });
    expect(() => decodeState(blob.subarray(0, blob.byteLength - 40))).toThrow();
  });
});
