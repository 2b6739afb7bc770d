/**
 * A fake Nezha v1/v2 dashboard: a real gRPC server on loopback built from the same
 * `proto/nezha.proto` as the sink. Strict like the real one: every call must carry the
 * agent secret and a well-formed UUID in both metadata spellings, or it fails with
 * UNAUTHENTICATED (and counts as an auth failure, as the WAF does). It records Host, State,
 * GeoIP and TaskResult per node, answers each State with one Receipt, can push tasks down a
 * node's task stream, and can be told to refuse everything, to refuse some node UUIDs as
 * another user's, or to lack ReportSystemInfo2.
 */
import * as grpc from '@grpc/grpc-js';
import { loadNezhaService, type NezhaGeoIp, type NezhaHost, type NezhaState, type NezhaTask, type NezhaTaskResult } from '../../src/integrations/nezha/proto.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface NezhaFakeOptions {
  secret: string;
  /** Answer ReportSystemInfo2 with UNIMPLEMENTED, like a v1.1.0 dashboard. */
  legacy?: boolean;
  /** The boot time ReportSystemInfo2 returns. */
  bootTime?: number;
  /** Node UUIDs owned by another user: refused with UNAUTHENTICATED "client UUID does not belong to the agent secret owner". */
  foreignUuids?: string[];
  /** TLS credentials; default: plaintext h2c. */
  credentials?: grpc.ServerCredentials;
}

export interface Timed<T> {
  at: number;
  value: T;
}

export interface NezhaFake {
  /** `127.0.0.1:port`. */
  address: string;
  hosts: Map<string, Timed<NezhaHost>[]>;
  states: Map<string, Timed<NezhaState>[]>;
  geoips: Map<string, NezhaGeoIp[]>;
  results: Map<string, NezhaTaskResult[]>;
  /** Calls refused for bad auth (each would count towards the WAF ban). */
  authFailures: number;
  /** Every call's method and the metadata keys it carried. */
  calls: { method: string; uuid: string | undefined; keys: string[] }[];
  /** Nodes whose task stream is open now. */
  taskStreams(): string[];
  stateStreams(): string[];
  /** Sends a task down a node's open task stream; false when it has none. */
  pushTask(uuid: string, task: NezhaTask): boolean;
  /** Refuse (true) or accept (false) every call from now on; refusing also ends open streams. */
  refuseAll(refuse: boolean): void;
  /** Ends every open stream with UNAVAILABLE (a dashboard restart, a proxy reset). */
  breakStreams(): void;
  close(): Promise<void>;
}

export async function startNezhaFake(options: NezhaFakeOptions): Promise<NezhaFake> {
  const { service } = loadNezhaService();
  const server = new grpc.Server();
  const hosts = new Map<string, Timed<NezhaHost>[]>();
  const states = new Map<string, Timed<NezhaState>[]>();
  const geoips = new Map<string, NezhaGeoIp[]>();
  const results = new Map<string, NezhaTaskResult[]>();
  const taskStreams = new Map<string, grpc.ServerDuplexStream<NezhaTaskResult, NezhaTask>>();
  const stateStreams = new Map<string, grpc.ServerDuplexStream<NezhaState, unknown>>();
  const calls: NezhaFake['calls'] = [];
  let refusing = false;
  const unauthenticated = { code: grpc.status.UNAUTHENTICATED, details: 'client secret not valid' };
  const notOwner = { code: grpc.status.UNAUTHENTICATED, details: 'client UUID does not belong to the agent secret owner' };
  const foreign = new Set((options.foreignUuids ?? []).map((u) => u.toLowerCase()));
  const fake = { authFailures: 0 };

  const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
    const list = map.get(key) ?? [];
    list.push(value);
    map.set(key, list);
  };

  /** The node UUID when the metadata is acceptable, else the refusal (a bad secret counts as a failure). */
  const auth = (method: string, md: grpc.Metadata): { uuid: string } | { error: typeof unauthenticated } => {
    const one = (key: string) => {
      const v = md.get(key);
      return v.length === 1 && typeof v[0] === 'string' ? v[0] : undefined;
    };
    const uuid = one('client_uuid');
    calls.push({ method, uuid, keys: Object.keys(md.getMap()).sort() });
    const ok =
      !refusing &&
      one('client_secret') === options.secret &&
      one('client-secret') === options.secret &&
      uuid !== undefined &&
      one('client-uuid') === uuid &&
      UUID.test(uuid);
    if (!ok) {
      fake.authFailures++;
      return { error: unauthenticated };
    }
    // The secret is right, the node is another user's (nezhahq/nezha service/rpc/auth.go).
    if (foreign.has(uuid.toLowerCase())) return { error: notOwner };
    return { uuid };
  };

  const handlers: grpc.UntypedServiceImplementation = {
    ReportSystemInfo2(call: grpc.ServerUnaryCall<NezhaHost, unknown>, cb: grpc.sendUnaryData<unknown>) {
      const checked = auth('ReportSystemInfo2', call.metadata);
      if ('error' in checked) return cb(checked.error);
      const { uuid } = checked;
      if (options.legacy) return cb({ code: grpc.status.UNIMPLEMENTED, details: 'unknown method ReportSystemInfo2' });
      push(hosts, uuid, { at: Date.now(), value: call.request });
      cb(null, { data: options.bootTime ?? 1_760_000_000 });
    },
    ReportSystemInfo(call: grpc.ServerUnaryCall<NezhaHost, unknown>, cb: grpc.sendUnaryData<unknown>) {
      const checked = auth('ReportSystemInfo', call.metadata);
      if ('error' in checked) return cb(checked.error);
      const { uuid } = checked;
      push(hosts, uuid, { at: Date.now(), value: call.request });
      cb(null, { proced: true });
    },
    ReportGeoIP(call: grpc.ServerUnaryCall<NezhaGeoIp, unknown>, cb: grpc.sendUnaryData<unknown>) {
      const checked = auth('ReportGeoIP', call.metadata);
      if ('error' in checked) return cb(checked.error);
      const { uuid } = checked;
      push(geoips, uuid, call.request);
      cb(null, { ...call.request, country_code: 'de', dashboard_boot_time: options.bootTime ?? 1_760_000_000 });
    },
    RequestTask(call: grpc.ServerDuplexStream<NezhaTaskResult, NezhaTask>) {
      const checked = auth('RequestTask', call.metadata);
      if ('error' in checked) return void call.emit('error', Object.assign(new Error('unauthenticated'), checked.error));
      const { uuid } = checked;
      taskStreams.set(uuid, call);
      call.on('data', (r: NezhaTaskResult) => push(results, uuid, r));
      const forget = () => {
        if (taskStreams.get(uuid) === call) taskStreams.delete(uuid);
      };
      call.on('end', () => {
        forget();
        call.end();
      });
      call.on('cancelled', forget);
      call.on('error', forget);
    },
    ReportSystemState(call: grpc.ServerDuplexStream<NezhaState, unknown>) {
      const checked = auth('ReportSystemState', call.metadata);
      if ('error' in checked) return void call.emit('error', Object.assign(new Error('unauthenticated'), checked.error));
      const { uuid } = checked;
      stateStreams.set(uuid, call);
      call.on('data', (s: NezhaState) => {
        push(states, uuid, { at: Date.now(), value: s });
        call.write({ proced: true });
      });
      const forget = () => {
        if (stateStreams.get(uuid) === call) stateStreams.delete(uuid);
      };
      call.on('end', () => {
        forget();
        call.end();
      });
      call.on('cancelled', forget);
      call.on('error', forget);
    },
    IOStream(call: grpc.ServerDuplexStream<unknown, unknown>) {
      // As the dashboard: the secret first, then it waits for a stream id; an empty stream
      // ends with EOF. The daemon never opens it (terminal/file features are refused);
      // `check` opens and half-closes it to ask about the secret.
      const checked = auth('IOStream', call.metadata);
      if ('error' in checked) return void call.emit('error', Object.assign(new Error('unauthenticated'), checked.error));
      call.on('data', () => call.emit('error', Object.assign(new Error('invalid stream id'), { code: grpc.status.UNKNOWN, details: 'invalid stream id' })));
      call.on('end', () => call.emit('error', Object.assign(new Error('EOF'), { code: grpc.status.UNKNOWN, details: 'EOF' })));
    },
  };
  server.addService(service, handlers);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', options.credentials ?? grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
  });

  const endAll = (code: grpc.status, details: string) => {
    for (const s of [...taskStreams.values(), ...stateStreams.values()]) {
      s.emit('error', Object.assign(new Error(details), { code, details }));
    }
    taskStreams.clear();
    stateStreams.clear();
  };

  const api: NezhaFake = {
    address: `127.0.0.1:${port}`,
    hosts,
    states,
    geoips,
    results,
    get authFailures() {
      return fake.authFailures;
    },
    calls,
    taskStreams: () => [...taskStreams.keys()],
    stateStreams: () => [...stateStreams.keys()],
    pushTask(uuid, task) {
      const s = taskStreams.get(uuid);
      if (!s) return false;
      s.write(task);
      return true;
    },
    refuseAll(refuse) {
      refusing = refuse;
      if (refuse) endAll(grpc.status.UNAUTHENTICATED, 'you were blocked by nezha WAF');
    },
    breakStreams() {
      endAll(grpc.status.UNAVAILABLE, 'dashboard restarting');
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.forceShutdown();
        resolve();
      }),
  };
  return api;
}
