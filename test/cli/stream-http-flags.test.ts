// `stream --http` and `jobs start --metrics` flags: checked before anything connects, errors name the flag.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/command.ts';
import { parseHostPort } from '../../src/cli/flags/host-port.ts';
import { streamHttpFromFlags } from '../../src/cli/flags/stream-http-flags.ts';

describe('stream --http flags', () => {
  it('HOST:PORT: IPv4, names, [IPv6], port 0; anything else names the flag', () => {
    expect(parseHostPort('127.0.0.1:8080', '--http')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseHostPort('0.0.0.0:0', '--http')).toEqual({ host: '0.0.0.0', port: 0 });
    expect(parseHostPort('stream-1.city.internal:9464', '--metrics')).toEqual({ host: 'stream-1.city.internal', port: 9464 });
    expect(parseHostPort('[::1]:8080', '--http')).toEqual({ host: '::1', port: 8080 });
    for (const bad of ['8080', ':8080', '127.0.0.1', '127.0.0.1:65536', 'a:b', '::1:8080', 'host:80:80']) {
      expect(() => parseHostPort(bad, '--metrics'), bad).toThrow(UsageError);
      expect(() => parseHostPort(bad, '--metrics'), bad).toThrow(/^--metrics must be HOST:PORT/);
    }
  });

  it('without --http: null, and its options are refused', () => {
    expect(streamHttpFromFlags({})).toBeNull();
    expect(() => streamHttpFromFlags({ k: '30' })).toThrow('--k needs --http HOST:PORT');
    expect(() => streamHttpFromFlags({ 'ready-max-lag': '5' })).toThrow('--ready-max-lag needs --http HOST:PORT');
  });

  it('defaults and checks', () => {
    const o = streamHttpFromFlags({ http: '127.0.0.1:0' })!;
    expect(o).toMatchObject({ host: '127.0.0.1', port: 0, k: 20, readyMaxLag: 1000, corsOrigins: [], rate: 10, burst: 60 });
    expect(o.tls).toBeUndefined();
    expect(() => streamHttpFromFlags({ http: '127.0.0.1:0', k: '1' })).toThrow('--k must be an integer ≥ 2, got 1');
    expect(() => streamHttpFromFlags({ http: '127.0.0.1:0', 'ready-max-lag': '-1' })).toThrow('--ready-max-lag must be an integer ≥ 0, got -1');
    expect(() => streamHttpFromFlags({ http: '127.0.0.1:0', 'cors-origin': ['https://a.example/path'] })).toThrow(/--cors-origin must be an origin/);
    expect(() => streamHttpFromFlags({ http: '127.0.0.1:0', 'tls-cert': 'x.pem' })).toThrow('--tls-cert and --tls-key go together');
    expect(() => streamHttpFromFlags({ http: '127.0.0.1:0', rate: '0' })).toThrow('--rate must be a number > 0, got 0');
  });
});
