import { describe, expect, it } from 'vitest';
import { startupWarnings } from '../../src/config/startup-warnings.js';

const router = (name: string, over: Partial<{ url: string; verify: boolean; report: number }> = {}) => ({
  name,
  url: over.url ?? 'https://192.168.88.1',
  tls: { verify: over.verify ?? true, fingerprint: undefined, caPem: undefined },
  intervals: { report: over.report ?? 5000, basicInfo: 600_000, connections: 30_000, pingTasks: 60_000 },
});

describe('startupWarnings', () => {
  it('is silent for https, verified, a report interval under 11 s', () => {
    expect(startupWarnings({ komari: {}, routers: [router('a', { report: 10_999 })] })).toEqual([]);
  });

  it('warns of plain http and tls.verify: false per router', () => {
    const got = startupWarnings({ routers: [router('a', { url: 'http://h' }), router('b', { verify: false })] });
    expect(got.map((w) => `${w.router}: ${w.message.split(':')[0]}`)).toEqual(['a: plain http', 'b: tls.verify is false']);
  });

  it('warns of the Komari ≤ 1.2.1 offline cliff from 11 s, only with a Komari server', () => {
    const cfg = { komari: {}, routers: [router('a', { report: 11_000 }), router('b', { report: 30_000 })] };
    const got = startupWarnings(cfg);
    expect(got.map((w) => w.router)).toEqual(['a', 'b']);
    expect(got[0]!.message).toMatch(/Komari 1\.2\.1 and older show the node offline 11 s/);
    expect(startupWarnings({ routers: cfg.routers })).toEqual([]);
  });

  it('covers only the routers given (the ones a SIGHUP added)', () => {
    const added = router('new', { url: 'http://h' });
    const got = startupWarnings({ routers: [router('old', { url: 'http://h' }), added] }, [added]);
    expect(got.map((w) => w.router)).toEqual(['new']);
  });
});
