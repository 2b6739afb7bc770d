import { mkdtempSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { resolveNodeUuid } from '../../../src/integrations/nezha/node-identity.js';
import { installationNodeUuid, nodeUuid } from '../../../src/integrations/nezha/uuid.js';
import { loadInstallationId } from '../../../src/state/installation-id.js';
import { type NezhaFake, startNezhaFake } from '../../fakes/nezha.js';
import { bufferLogger } from '../../support/log-buffer.js';
import { ManualClock } from '../../support/manual-clock.js';
import { routerInfo } from '../komari/samples.js';
import { addRouter, makeFactory, memoryState, nodeOf, period, SECRET, type TestRouter } from './harness.js';

let fake: NezhaFake;
let clock: ManualClock;
let log: ReturnType<typeof bufferLogger>;
const started: TestRouter[] = [];

beforeEach(async () => {
  fake = await startNezhaFake({ secret: SECRET, foreignUuids: [nodeOf('stolen')] });
  clock = new ManualClock();
  log = bufferLogger();
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((r) => r.sink.stop()));
  await fake.close();
  expect(log.text()).not.toContain(SECRET);
});

/** A directory removed when the test finishes. */
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('a node UUID owned by another user of the dashboard', () => {
  it('pauses that router alone, says what to do once, and retries it after 5 min', async () => {
    const factory = makeFactory(fake.address, clock, log.logger);
    const routers = ['stolen', 'mine'].map((n) => addRouter(factory, n, log.logger));
    for (const r of routers) {
      r.sink.start();
      started.push(r);
    }
    for (let i = 0; i < 5; i++) await period(routers, clock);
    const stolenCalls = () => fake.calls.filter((c) => c.uuid === nodeOf('stolen')).length;
    expect(fake.states.get(nodeOf('mine'))?.length).toBeGreaterThanOrEqual(3);
    expect(fake.states.has(nodeOf('stolen'))).toBe(false);
    expect(stolenCalls()).toBe(1);
    expect(fake.authFailures).toBe(0);
    const said = log.lines().filter((l) => String(l.msg).includes('Only this router is paused'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({ level: 50, code: 'NEZHA_NODE_REFUSED' });
    expect(String(said[0]!.msg)).toContain('nezha.uuid');
    // Nothing for "stolen" before its pause ends; "mine" keeps its cadence meanwhile.
    const mineBefore = fake.states.get(nodeOf('mine'))!.length;
    // Refused at t = 3 s (the first State tick); now t = 15 s: the retry is due at t = 303 s.
    for (let i = 0; i < 95; i++) await period(routers, clock);
    expect(stolenCalls()).toBe(1);
    expect(fake.states.get(nodeOf('mine'))!.length - mineBefore).toBe(95);
    for (let i = 0; i < 3; i++) await period(routers, clock);
    expect(stolenCalls()).toBe(2);
    expect(log.lines().filter((l) => String(l.msg).includes('Only this router is paused'))).toHaveLength(1);
  });
});

describe('node UUIDs across installations, restarts and renames', () => {
  it('two installations with a router of the same name report two nodes', async () => {
    const other = tempDir('tikprobe-other-');
    const a = addRouter(makeFactory(fake.address, clock, log.logger), 'gw', log.logger);
    const b = addRouter(makeFactory(fake.address, clock, log.logger, { stateDir: other }), 'gw', log.logger);
    for (const r of [a, b]) {
      r.sink.start();
      started.push(r);
    }
    for (let i = 0; i < 3; i++) await period([a, b], clock);
    const nodes = [...fake.hosts.keys()];
    expect(nodes).toHaveLength(2);
    expect(nodes).toContain(nodeOf('gw'));
    expect(nodes).toContain(installationNodeUuid(readFileSync(join(other, 'installation-id'), 'utf8').trim(), undefined, 'gw'));
  });

  it('one installation keeps a router UUID across restarts, and a device keeps it across a rename', async () => {
    const dir = tempDir('tikprobe-id-');
    const installationId = () => loadInstallationId(dir);
    const state = memoryState();
    const deps = (routerName: string, s = state) => ({ routerName, configured: undefined, state: s, installationId, reportedBefore: false });
    const device = routerInfo({ deviceId: 'HE308ABC123' });
    const first = await resolveNodeUuid(deps('gw'), device);
    expect(state.get().nezhaUuid).toBe(first);
    // Restart: the saved UUID is used, even if the device identity read differently meanwhile.
    expect(await resolveNodeUuid(deps('gw'), routerInfo({ deviceId: 'OTHER' }))).toBe(first);
    // Renamed in the config: a new state file, the same installation and device, the same node.
    expect(await resolveNodeUuid(deps('gw-berlin', memoryState()), device)).toBe(first);
    // Without a device identity the name decides; a saved UUID still survives a restart.
    const byName = memoryState();
    const named = await resolveNodeUuid(deps('edge', byName), routerInfo({ deviceId: undefined }));
    expect(await resolveNodeUuid(deps('edge', byName), routerInfo({ deviceId: 'LATER' }))).toBe(named);
    expect(named).not.toBe(first);
  });

  it('a router that reported before UUIDs were saved keeps its name-based node; a configured UUID wins', async () => {
    const installationId = async () => '11111111-2222-4333-8444-555555555555';
    const state = memoryState();
    expect(await resolveNodeUuid({ routerName: 'gw', configured: undefined, state, installationId, reportedBefore: true }, routerInfo())).toBe(nodeUuid('gw', undefined));
    expect(
      await resolveNodeUuid({ routerName: 'gw', configured: 'ABCDEF01-0000-4000-8000-000000000000', state: memoryState(), installationId, reportedBefore: false }, routerInfo()),
    ).toBe('abcdef01-0000-4000-8000-000000000000');
  });
});

describe('the installation id', () => {
  it('is made once, private, the same on every load, and refused when damaged', async () => {
    const dir = tempDir('tikprobe-inst-');
    const [a, b] = await Promise.all([loadInstallationId(dir), loadInstallationId(dir)]);
    expect(a).toBe(b);
    expect(await loadInstallationId(dir)).toBe(a);
    expect(statSync(join(dir, 'installation-id')).mode & 0o777).toBe(0o600);
    writeFileSync(join(dir, 'installation-id'), 'garbage');
    await expect(loadInstallationId(dir)).rejects.toThrow(/does not hold a UUID/);
  });
});
