/**
 * One router's live link to a Nezha dashboard: its channel, the unary Host/GeoIP calls and
 * the two bidirectional streams (tasks down and results up; States up and Receipts down).
 * Any error on either stream ends the link: `onBroken` is called once and the owner
 * reconnects. Closing it ourselves cancels both streams and reports nothing.
 */
import type * as grpc from '@grpc/grpc-js';
import type { Clock } from '../../time/timers.js';
import { isUnimplemented } from './grpc-errors.js';
import type { NezhaGeoIp, NezhaHost, NezhaReceipt, NezhaState, NezhaTask, NezhaTaskResult, NezhaUint64Receipt } from './proto.js';

/** The official agent's deadline for its Host report. */
const UNARY_DEADLINE_MS = 10_000;

export interface ConnectionEvents {
  onTask(task: NezhaTask): void;
  onBroken(err: unknown): void;
}

type Unary<Req, Res> = (req: Req, md: grpc.Metadata, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Res) => void) => grpc.ClientUnaryCall;
type Duplex = (md: grpc.Metadata) => grpc.ClientDuplexStream<unknown, unknown>;

interface NezhaClient extends grpc.Client {
  ReportSystemInfo2: Unary<NezhaHost, NezhaUint64Receipt>;
  ReportSystemInfo: Unary<NezhaHost, NezhaReceipt>;
  ReportGeoIP: Unary<NezhaGeoIp, NezhaGeoIp>;
  RequestTask: Duplex;
  ReportSystemState: Duplex;
}

export class NezhaConnection {
  private readonly client: NezhaClient;
  private tasks: grpc.ClientDuplexStream<unknown, unknown> | undefined;
  private states: grpc.ClientDuplexStream<unknown, unknown> | undefined;
  private readonly receipts: ((ok: boolean) => void)[] = [];
  private closed = false;
  /** Dashboards before v1.1.1 lack ReportSystemInfo2: remembered after the first UNIMPLEMENTED. */
  private legacyHost = false;

  constructor(
    client: grpc.Client,
    private readonly metadata: grpc.Metadata,
    private readonly events: ConnectionEvents,
  ) {
    this.client = client as NezhaClient;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Reports the Host; resolves to the dashboard's boot time (undefined from an older dashboard). */
  async reportHost(host: NezhaHost): Promise<number | undefined> {
    if (!this.legacyHost) {
      try {
        const reply = await this.unary(this.client.ReportSystemInfo2, host);
        return reply.data;
      } catch (err) {
        if (!isUnimplemented(err)) throw err;
        this.legacyHost = true;
      }
    }
    await this.unary(this.client.ReportSystemInfo, host);
    return undefined;
  }

  reportGeoIp(geo: NezhaGeoIp): Promise<NezhaGeoIp> {
    return this.unary(this.client.ReportGeoIP, geo);
  }

  /** Opens the task stream and the state stream (no first message is needed on either). */
  openStreams(): void {
    const tasks = this.client.RequestTask(this.metadata);
    tasks.on('data', (task: NezhaTask) => {
      if (!this.closed) this.events.onTask(task);
    });
    this.watch(tasks, 'task');
    const states = this.client.ReportSystemState(this.metadata);
    states.on('data', (receipt: NezhaReceipt) => {
      this.receipts.shift()?.(receipt.proced !== false);
    });
    this.watch(states, 'state');
    this.tasks = tasks;
    this.states = states;
  }

  /**
   * Sends one State and waits for its Receipt. Resolves false when none came within
   * `timeoutMs` (the link is then reported broken) or the link closed meanwhile.
   */
  sendState(state: NezhaState, timeoutMs: number, clock: Clock): Promise<boolean> {
    const stream = this.states;
    if (this.closed || stream === undefined) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      let done = false;
      const finish = (ok: boolean) => {
        if (done) return;
        done = true;
        clock.clearTimeout(timer);
        resolve(ok);
      };
      const timer = clock.setTimeout(() => {
        finish(false);
        this.broken(new Error(`no Receipt for a State within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.receipts.push(finish);
      stream.write(state);
    });
  }

  sendTaskResult(result: NezhaTaskResult): boolean {
    if (this.closed || this.tasks === undefined) return false;
    this.tasks.write(result);
    return true;
  }

  /** Cancels both streams and the channel; no `onBroken` follows. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const r of this.receipts.splice(0)) r(false);
    this.tasks?.cancel();
    this.states?.cancel();
    this.client.close();
  }

  private watch(stream: grpc.ClientDuplexStream<unknown, unknown>, which: string): void {
    stream.on('error', (err: unknown) => this.broken(err));
    // The dashboard ending a stream without an error still ends this link.
    stream.on('end', () => this.broken(new Error(`the dashboard ended the ${which} stream`)));
  }

  private broken(err: unknown): void {
    if (this.closed) return;
    this.close();
    this.events.onBroken(err);
  }

  private unary<Req, Res>(method: Unary<Req, Res>, request: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      if (this.closed) {
        reject(new Error('connection closed'));
        return;
      }
      method.call(this.client, request, this.metadata, { deadline: Date.now() + UNARY_DEADLINE_MS }, (err, res) => {
        if (err) reject(err);
        else resolve(res as Res);
      });
    });
  }
}
