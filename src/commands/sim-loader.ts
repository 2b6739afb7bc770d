/**
 * Loads the simulator (the `@tikprobe/sim` workspace of the repository) for `tikprobe demo`
 * and `tikprobe simulate`. It is a development package: the published package and the image
 * do not contain it, so it is imported only when one of these commands runs, and its absence
 * is a precise error instead of a crash.
 */

/** The view of one router that the demo table reads (the bridge's `RouterView` fits it). */
export interface SimRouterView {
  name: string;
  state: 'starting' | 'up' | 'down' | 'backoff';
  lastSample:
    | {
        takenAt: number;
        resource: { cpuLoadPercent: number; totalMemoryBytes: number; freeMemoryBytes: number };
        traffic: { upBps: number; downBps: number; totalUpBytes: number; totalDownBytes: number };
        connections: { tcp: number; udp: number; source: 'count-only' | 'tracking-total' } | undefined;
      }
    | undefined;
  lastError: string | undefined;
  lastPing: { value: number; at: number } | undefined;
}

/** `@tikprobe/sim/demo.js` as the CLI uses it. */
export interface SimDemoModule {
  runDemo: (deps: {
    startBridge: (configFile: string) => Promise<{ stop(): Promise<void>; view(): SimRouterView[] }>;
    out: NodeJS.WriteStream;
    signal: AbortSignal;
  }) => Promise<void>;
}

/** `@tikprobe/sim/simulate.js` as the CLI uses it. */
export interface SimSimulateModule {
  runSimulate: (
    args: { routers: number; port: number; conntrack: number; tls: boolean; writeConfig: string | undefined; password: string | undefined },
    log: (line: string) => void,
  ) => Promise<{ stop(): Promise<void> }>;
}

export type SimImporter = (specifier: string) => Promise<unknown>;

const SIM_PACKAGE = '@tikprobe/sim';

/** Imports `@tikprobe/sim/<entry>.js`; a missing or unbuilt simulator becomes one clear error. */
export async function loadSim<T>(entry: 'demo' | 'simulate', importer: SimImporter = (s) => import(s)): Promise<T> {
  try {
    return (await importer(`${SIM_PACKAGE}/${entry}.js`)) as T;
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    const message = e instanceof Error ? e.message : '';
    if (code !== 'ERR_MODULE_NOT_FOUND') throw e;
    if (message.includes(`'${SIM_PACKAGE}'`)) {
      throw new Error('this command needs a source checkout, because installed packages and the image do not contain the simulator: run `npm ci` in the tikprobe repository, then `npm run demo` there');
    }
    if (message.includes(`${SIM_PACKAGE.split('/')[1]}/dist/`) || message.includes('packages/sim/')) {
      throw new Error('the simulator in this checkout is not built: run `npm run build` first');
    }
    throw e;
  }
}
