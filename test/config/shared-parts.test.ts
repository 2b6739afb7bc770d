/**
 * Equal settings blocks of many routers become one frozen object, in place: the values each
 * router sees are exactly its own, a block that differs is its own, and no router can change another's.
 */
import { describe, expect, it } from 'vitest';
import { shareEqualBlocks } from '../../src/config/shared-parts.js';
import { load } from './helpers.js';

const FLEET = `
version: 1
komari: { url: https://komari.example.net }
defaults:
  username: tikprobe
  password: secret
  collectors: { interfaces: { enabled: true } }
routers:
  - { name: a, url: https://192.0.2.1, komari: { token: t1 } }
  - { name: b, url: https://192.0.2.2, komari: { token: t2 } }
  - { name: c, url: https://192.0.2.3, komari: { token: t3 }, intervals: { report: 10s }, tls: { fingerprint: "${'AB:'.repeat(31)}AB" } }
  - { name: d, url: https://192.0.2.4, komari: { token: t4 }, collectors: { ppp: { enabled: true } } }
`;

describe('shared settings blocks', () => {
  it('routers with equal blocks share one frozen object; a router whose block differs keeps its own', async () => {
    const config = await load(FLEET);
    const before = structuredClone(config.routers);
    const routers = [...config.routers];
    expect(Object.isFrozen(routers[0]?.collectors)).toBe(false);
    shareEqualBlocks(config.routers);
    // The same router objects, each seeing exactly its own values; again changes nothing.
    for (const [i, r] of config.routers.entries()) expect(r).toBe(routers[i]);
    expect(config.routers).toEqual(before);
    const [a, b, c, d] = config.routers;
    const collectors = a?.collectors;
    shareEqualBlocks(config.routers);
    expect(config.routers).toEqual(before);
    expect(a?.collectors).toBe(collectors);
    expect(a?.collectors).toBe(b?.collectors);
    expect(a?.collectors).toBe(c?.collectors);
    expect(a?.collectors).not.toBe(d?.collectors);
    expect(a?.intervals).toBe(b?.intervals);
    expect(a?.intervals).not.toBe(c?.intervals);
    expect(a?.tls).toBe(d?.tls);
    expect(a?.tls).not.toBe(c?.tls);
    expect(a?.ping).toBe(c?.ping);
    // Own values stay own: names, credentials, tokens.
    expect([a?.name, b?.name, c?.komari.token, d?.komari.token]).toEqual(['a', 'b', 't3', 't4']);
    // Frozen to the leaves: one router cannot change what another sees.
    expect(() => {
      (a?.collectors.interfaces as { enabled: boolean }).enabled = false;
    }).toThrow(TypeError);
    expect(b?.collectors.interfaces.enabled).toBe(true);
  });

  it('keeps every value over generated fleets (blocks drawn from a few variants)', async () => {
    const base = (await load(FLEET)).routers;
    let seed = 7;
    const pick = <T>(xs: readonly T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return xs[seed % xs.length] as T;
    };
    for (let round = 0; round < 50; round++) {
      const fleet = Array.from({ length: 20 }, (_, i) => {
        const from = pick(base);
        return { ...structuredClone(from), name: `r${i}`, intervals: structuredClone(pick(base).intervals), tls: structuredClone(pick(base).tls) };
      });
      const before = structuredClone(fleet);
      shareEqualBlocks(fleet);
      expect(fleet).toEqual(before);
      const distinct = new Set(fleet.map((r) => r.collectors));
      expect(distinct.size).toBe(new Set(before.map((r) => JSON.stringify(r.collectors))).size);
    }
  });
});
