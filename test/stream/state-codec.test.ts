import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeState, encodeState } from '../../src/core/state-codec.ts';

describe('checkpoint state codec', () => {
  const state = { engine: { closedUntil: 1_700_000_000_000, devices: [['d1', null, '8928308280fffff', [[1, 'a', true, 'tau']]]] }, stats: { late: 3, kinds: { tau: 2 } }, note: 'zoë' };

  it('round-trips plain data', async () => {
    expect(decodeState(await encodeState(state))).toEqual(state);
  });

  it('captures the state when called: changes made while it compresses do not leak in', async () => {
    const live = structuredClone(state);
    const pending = encodeState(live);
    live.stats.late = 99;
    live.engine.devices.length = 0;
    expect(decodeState(await pending)).toEqual(state);
  });

  it('still reads the gzip JSON of earlier checkpoints', () => {
    expect(decodeState(gzipSync(Buffer.from(JSON.stringify(state))))).toEqual(state);
  });
});
