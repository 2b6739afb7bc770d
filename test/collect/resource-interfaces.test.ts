import { describe, expect, it } from 'vitest';
import { RouterError } from '../../src/errors.js';
import { collectInterfaceCounters, nameQuery } from '../../src/collect/interfaces.js';
import { collectResource } from '../../src/collect/resource.js';
import { useRouterHarness } from './harness.js';

const h = useRouterHarness();

describe('collectResource', () => {
  it('reads /system/resource into the model', async () => {
    h.fake.state.resource.uptimeS = 90_061;
    h.fake.state.resource.cpuLoad = 42;
    const r = await collectResource(h.rest, h.signal);
    expect(r).toMatchObject({ uptimeS: 90_061, cpuLoadPercent: 42, boardName: 'hAP ax^2', totalMemoryBytes: 1_073_741_824 });
  });

  it('accepts the 7.1beta4 array form', async () => {
    h.fake.state.singletonAsArray = true;
    expect((await collectResource(h.rest, h.signal)).version).toBe('7.20.5 (stable)');
  });

  it('propagates a failure as a RouterError', async () => {
    h.fake.fault('system/resource', '401');
    await expect(collectResource(h.rest, h.signal)).rejects.toMatchObject({ code: 'ROUTER_AUTH' });
  });
});

describe('collectInterfaceCounters', () => {
  it('makes one small print that selects the named interfaces, returns them in order, exact above 2^53', async () => {
    h.fake.state.interfaces[2]!.rxBytes = 18_446_744_073_709_551_615n;
    const { counters, missing } = await collectInterfaceCounters(h.rest, h.signal, ['bridge', 'ether1']);
    expect(counters).toEqual([
      { id: '*A', name: 'bridge', rxBytes: 18_446_744_073_709_551_615n, txBytes: 7_000n },
      { id: '*1', name: 'ether1', rxBytes: 194_632_346_152n, txBytes: 15_355_309_685n },
    ]);
    expect(missing).toEqual([]);
    expect(h.server.requests.map((r) => [r.method, r.url, JSON.parse(r.body)])).toEqual([
      ['POST', '/rest/interface/print', { '.proplist': ['.id', 'name', 'rx-byte', 'tx-byte'], '.query': ['name=bridge', 'name=ether1', '#|'] }],
    ]);
  });

  it('the reply holds only the traffic interfaces, however many the router has', async () => {
    for (let i = 0; i < 300; i++) h.fake.state.interfaces.push({ id: `*V${i}`, name: `vlan${i}`, type: 'vlan', rxBytes: 1n, txBytes: 1n });
    await collectInterfaceCounters(h.rest, h.signal, ['ether1']);
    expect(h.fake.state.interfaces.length).toBeGreaterThan(300);
    expect(JSON.parse(h.server.requests[0]?.body ?? '{}')['.query']).toEqual(['name=ether1']);
    expect(nameQuery(['a', 'b', 'c', 'a'])).toEqual(['name=a', 'name=b', 'name=c', '#|', '#|']);
  });

  it('reports interfaces the router does not have', async () => {
    const { counters, missing } = await collectInterfaceCounters(h.rest, h.signal, ['ether1', 'pppoe-out1', 'lte1']);
    expect(counters.map((c) => c.name)).toEqual(['ether1']);
    expect(missing).toEqual(['pppoe-out1', 'lte1']);
  });

  it('sees a recreated interface by its new .id', async () => {
    h.fake.state.interfaces.push({ id: '*F1', name: 'pppoe-out1', rxBytes: 10n, txBytes: 20n });
    expect((await collectInterfaceCounters(h.rest, h.signal, ['pppoe-out1'])).counters[0]?.id).toBe('*F1');
    h.fake.state.interfaces[3] = { id: '*F2', name: 'pppoe-out1', rxBytes: 1n, txBytes: 2n };
    expect((await collectInterfaceCounters(h.rest, h.signal, ['pppoe-out1'])).counters[0]?.id).toBe('*F2');
  });

  it('rejects a reply that is not JSON as ROUTER_MALFORMED', async () => {
    h.fake.fault('interface/print', 'malformed');
    const err = await collectInterfaceCounters(h.rest, h.signal, ['ether1']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RouterError);
    expect((err as RouterError).code).toBe('ROUTER_MALFORMED');
    expect((err as RouterError).message).toContain('POST /rest/interface/print: HTTP 200: reply is not JSON');
  });
});
