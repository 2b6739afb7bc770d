/**
 * The model behind identity-property.test.ts: one router's random history (reboots, PPPoE
 * re-creations, uptime glitches, device swaps, implausible jumps, kill-restarts of the
 * bridge), fed to the accounting step by step and checked against the true traffic. The
 * rules it checks, and the cases the rules define as unknowable, are described in the test.
 */
import { advanceTraffic, type TrafficOptions, type TrafficState } from '../../src/accounting/traffic.js';
import type { InterfaceCounter } from '../../src/model.js';
import { seededRng } from '@tikprobe/sim/prng.js';
import { roundTrip } from './helpers.js';

interface Counter {
  id: string;
  rx: bigint;
  tx: bigint;
}
interface Device {
  serial: string;
  uptimeS: number;
  ifaces: Map<string, Counter>;
}
/** What the bridge's state holds for one interface (the counters it measures the next delta from). */
type Bases = Map<string, { rx: bigint; tx: bigint }>;

const NAMES = ['ether1', 'pppoe-out1'] as const;
const RATE = 1_000_000; // most bytes per second per direction the model generates
const OPTS: TrafficOptions = { timeZone: 'UTC', linkBitsPerSecond: { ether1: 1_000_000_000 } };

export interface Outcome {
  kinds: Record<string, number>;
  swaps: number;
  kills: number;
  unrecovered: number;
}

type Hazard = 'normal' | 'reboot' | 'recreate' | 'glitch' | 'swap' | 'jump';

/** What one step does to the router, decided before its counters grow. */
interface Plan {
  hazard: Hazard;
  elapsedS: number;
  /** Seconds of traffic each interface may count in this step. */
  budgetS: number;
  /** After a reboot: ether1's counters must fall below these (what the bridge holds). */
  fallBelow?: { rx: bigint; tx: bigint };
  /** The uptime the router reports. */
  uptimeS: number;
}

/** What the bridge had persisted, with the model's knowledge at that moment. */
interface Persisted {
  state: TrafficState;
  bases: Bases;
  trueUp: bigint;
  trueDown: bigint;
  atMs: number;
  stale: Set<string>;
}

/** One router's random history against the accounting, checked step by step. */
export class History {
  private readonly rnd: () => number;
  private nextId = 0x100;
  private readonly devices: Device[];
  private dev: Device;
  private atMs: number;
  private state: TrafficState | undefined;
  private bases: Bases = new Map();
  private trueUp = 0n;
  private trueDown = 0n;
  private persisted: Persisted | undefined;
  private lastSent = { up: 0, down: 0 };
  /** Interfaces not yet observed since a kill-restart: their next delta also holds the traffic of the lost window. */
  private stale = new Set<string>();
  private step = 0;
  readonly out: Outcome = { kinds: {}, swaps: 0, kills: 0, unrecovered: 0 };

  constructor(private readonly seed: number) {
    this.rnd = seededRng(seed);
    this.devices = ['HE10AAA1', 'HE10BBB2', 'HE10CCC3'].map((serial) => this.makeDevice(serial));
    this.dev = this.devices[0]!;
    this.atMs = Date.UTC(2024, 0, 1) + this.int(0, 86_400_000);
  }

  run(steps: number): Outcome {
    for (this.step = 0; this.step < steps; this.step++) {
      const i = this.step;
      const elapsedS = i === 0 ? 0 : this.chance(0.85) ? this.int(1, 10) : this.chance(0.8) ? this.int(60, 3_600) : this.int(3_600, 86_400);
      this.atMs += elapsedS * 1000;
      const killed = this.persisted !== undefined && this.chance(0.03);
      if (killed) this.restart();
      const plan = this.plan(i === 0 ? 'normal' : pick(this.rnd, elapsedS), elapsedS);
      const { observed, up, down } = this.count(plan);
      this.observe(plan, killed, observed, up, down);
    }
    return this.out;
  }

  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.rnd() * (hi - lo + 1));
  }
  private chance(p: number): boolean {
    return this.rnd() < p;
  }
  private big(lo: number, hi: number): bigint {
    return BigInt(this.int(lo, hi));
  }
  private newId(): string {
    return `*${(this.nextId++).toString(16).toUpperCase()}`;
  }
  /** Counters holding a device's own history: never ours. */
  private foreign(): bigint {
    return this.chance(0.5) ? this.big(0, 2 ** 30) * this.big(0, 2 ** 30) : this.big(0, 1e9);
  }
  private makeDevice(serial: string): Device {
    return {
      serial,
      uptimeS: this.int(100, 10_000_000),
      ifaces: new Map([
        ['ether1', { id: '*1', rx: this.foreign(), tx: this.foreign() }],
        ['pppoe-out1', { id: this.newId(), rx: this.foreign(), tx: this.foreign() }],
      ]),
    };
  }
  private check(ok: boolean, what: string): void {
    if (!ok) throw new Error(`seed ${this.seed} step ${this.step}: ${what}`);
  }
  private gapS(s: TrafficState): number {
    return (this.atMs - s.lastAtMs) / 1000;
  }

  /** A kill-restart: the bridge continues from the last persisted state, through its encoding. */
  private restart(): void {
    const p = this.persisted!;
    this.out.kills++;
    this.state = roundTrip(p.state);
    this.bases = copy(p.bases);
    this.stale = new Set(p.stale);
    this.trueUp = p.trueUp;
    this.trueDown = p.trueDown;
  }

  /** Applies a swap or a reboot to the router and picks the uptime it reports; a hazard that cannot show falls back to normal. */
  private plan(wanted: Hazard, elapsedS: number): Plan {
    let plan: Plan = { hazard: wanted, elapsedS, budgetS: elapsedS, uptimeS: 0 };
    if (wanted === 'swap') {
      const others = this.devices.filter((d) => d !== this.dev);
      this.dev = others[this.int(0, others.length - 1)]!;
      for (const c of this.dev.ifaces.values()) {
        c.rx += this.foreign();
        c.tx += this.foreign();
      }
      this.dev.uptimeS = this.int(1, 10_000_000);
      this.out.swaps++;
    }
    if (wanted === 'reboot') plan = this.reboot(plan);
    if (plan.hazard !== 'reboot') this.dev.uptimeS += elapsedS;
    plan.uptimeS = this.dev.uptimeS;
    if (wanted === 'glitch') {
      // Below the last uptime, above the gap: the counters decide, and they keep counting.
      const lo = this.state ? Math.ceil(this.gapS(this.state)) + 31 : Number.POSITIVE_INFINITY;
      const prevUptime = this.state?.lastUptimeS ?? 0;
      if (prevUptime - 1 > lo) plan.uptimeS = this.int(lo, prevUptime - 1);
      else plan.hazard = 'normal';
    }
    if (plan.hazard === 'recreate' && (this.bases.get('pppoe-out1')?.rx ?? 0n) <= 1n) plan.hazard = 'normal';
    return plan;
  }

  /** A reboot the rules can see: the uptime shows it and ether1's counters fall. */
  private reboot(plan: Plan): Plan {
    const uptime = this.int(1, Math.max(1, plan.elapsedS - 1));
    const e1 = this.bases.get('ether1');
    const shows = this.state !== undefined && (uptime < this.state.lastUptimeS || uptime + 30 < this.gapS(this.state));
    if (!shows || !e1 || (e1.rx <= 1n && e1.tx <= 1n)) return { ...plan, hazard: 'normal' };
    const fallBelow = { ...e1 };
    this.dev.uptimeS = uptime;
    for (const c of this.dev.ifaces.values()) {
      c.rx = 0n;
      c.tx = 0n;
    }
    if (this.chance(0.5)) this.dev.ifaces.get('pppoe-out1')!.id = this.newId();
    for (const b of this.bases.values()) {
      b.rx = 0n;
      b.tx = 0n;
    }
    return { ...plan, budgetS: uptime, fallBelow };
  }

  /** The counters grow; returns what the bridge observes and the true traffic of the step. */
  private count(plan: Plan): { observed: InterfaceCounter[]; up: bigint; down: bigint } {
    const jumpOn = plan.hazard === 'jump' ? NAMES[this.int(0, 1)] : undefined;
    const observed: InterfaceCounter[] = [];
    let up = 0n;
    let down = 0n;
    for (const name of NAMES) {
      const c = this.dev.ifaces.get(name)!;
      const base = this.bases.get(name);
      let maxRx = plan.budgetS * RATE;
      let maxTx = plan.budgetS * RATE;
      if (plan.hazard === 'recreate' && name === 'pppoe-out1' && base) {
        // A new session from 0, detectable: its counter is below the one the bridge holds.
        c.id = this.newId();
        c.rx = 0n;
        c.tx = 0n;
        maxRx = Math.min(maxRx, Number(base.rx - 1n));
        base.rx = 0n;
        base.tx = 0n;
      }
      if (plan.fallBelow && name === 'ether1') {
        if (plan.fallBelow.rx > 1n) maxRx = Math.min(maxRx, Number(plan.fallBelow.rx - 1n));
        else maxTx = Math.min(maxTx, Number(plan.fallBelow.tx - 1n));
      }
      // A PPPoE client that is down is absent and counts nothing; never on a step whose rule needs it.
      if (name === 'pppoe-out1' && this.step > 0 && plan.hazard === 'normal' && this.chance(0.1)) continue;
      c.rx += this.big(0, maxRx);
      c.tx += this.big(0, maxTx);
      const jumped = jumpOn === name && base !== undefined && plan.elapsedS <= 3_600;
      if (jumped) c.rx += this.big(1e14, 1e15);
      observed.push({ name, id: c.id, rxBytes: c.rx, txBytes: c.tx });
      if (base && plan.hazard !== 'swap' && !jumped) {
        down += c.rx - base.rx;
        up += c.tx - base.tx;
      }
      this.bases.set(name, { rx: c.rx, tx: c.tx });
    }
    return { observed, up, down };
  }

  /** The bridge's accounting takes the observation; every property is checked. */
  private observe(plan: Plan, killed: boolean, observed: InterfaceCounter[], up: bigint, down: bigint): void {
    const { hazard } = plan;
    const deviceId = this.step > 0 && hazard !== 'swap' && this.chance(0.05) ? undefined : this.dev.serial;
    const step = advanceTraffic(this.state, { atMs: this.atMs, uptimeS: plan.uptimeS, counters: observed, ...(deviceId ? { deviceId } : {}) }, OPTS);
    for (const e of step.events) this.out.kinds[e.kind] = (this.out.kinds[e.kind] ?? 0) + 1;
    const had = this.state ? { up: this.state.totalUpBytes, down: this.state.totalDownBytes } : { up: 0n, down: 0n };
    this.trueUp += up;
    this.trueDown += down;

    this.check(step.state.totalUpBytes === this.trueUp, `up ${step.state.totalUpBytes}, true ${this.trueUp} (${hazard})`);
    this.check(step.state.totalDownBytes === this.trueDown, `down ${step.state.totalDownBytes}, true ${this.trueDown} (${hazard})`);
    if (hazard === 'swap') {
      // Never a foreign device's counters: the swap's step adds nothing.
      this.check(step.state.totalUpBytes === had.up && step.state.totalDownBytes === had.down, 'a swap added bytes');
      this.check(step.events.some((e) => e.kind === 'device-changed'), 'no device-changed event');
    }
    if (hazard === 'glitch') this.check(step.events.some((e) => e.kind === 'uptime-glitch'), 'no uptime-glitch event');
    const sent = { up: step.reading.totalUpBytes, down: step.reading.totalDownBytes };
    const recovers = !killed || ((hazard === 'normal' || hazard === 'glitch') && observed.length === NAMES.length);
    if (recovers) this.check(sent.up >= this.lastSent.up && sent.down >= this.lastSent.down, `a reported total fell (${hazard})`);
    else this.out.unrecovered++;
    const carriesLostWindow = observed.some((o) => this.stale.has(o.name));
    for (const rate of [step.reading.upBps, step.reading.downBps]) {
      this.check(Number.isInteger(rate) && rate >= 0, `rate ${rate}`);
      if (!carriesLostWindow) this.check(rate <= NAMES.length * RATE + 1, `rate spike ${rate} (${hazard})`);
    }
    if (killed) for (const name of NAMES) this.stale.add(name);
    for (const o of observed) this.stale.delete(o.name);
    this.lastSent = sent;
    this.state = step.state;
    // The flusher: shape changes at once (urgent), everything else at most every 60 s.
    if (step.shapeChanged || !this.persisted || this.atMs - this.persisted.atMs >= 60_000) {
      this.persisted = { state: step.state, bases: copy(this.bases), trueUp: this.trueUp, trueDown: this.trueDown, atMs: this.atMs, stale: new Set(this.stale) };
    }
  }
}

function pick(rnd: () => number, elapsedS: number): Hazard {
  const r = rnd();
  if (r < 0.04 && elapsedS >= 2) return 'reboot';
  if (r < 0.07) return 'recreate';
  if (r < 0.11) return 'glitch';
  if (r < 0.13) return 'swap';
  if (r < 0.15) return 'jump';
  return 'normal';
}

function copy(bases: Bases): Bases {
  return new Map([...bases].map(([k, v]) => [k, { ...v }]));
}
