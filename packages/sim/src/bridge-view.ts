/**
 * The shape of the running bridge as the demo sees it. The composition root provides a
 * `StartBridge`; the demo receives it as a dependency and never imports the bridge itself.
 * The simulator imports nothing from the product: `DemoSample` is the part of the product's
 * sample the table reads, and the product's view is checked against it where it is passed.
 */

/** What the demo table reads of one router's newest sample. */
export interface DemoSample {
  takenAt: number;
  resource: { cpuLoadPercent: number; totalMemoryBytes: number; freeMemoryBytes: number };
  traffic: { upBps: number; downBps: number; totalUpBytes: number; totalDownBytes: number };
  connections: { tcp: number; udp: number; source: 'count-only' | 'tracking-total' } | undefined;
}

export interface RouterView {
  name: string;
  state: 'starting' | 'up' | 'down' | 'backoff';
  lastSample: DemoSample | undefined;
  lastError: string | undefined;
  lastPing: { value: number; at: number } | undefined;
}

export interface Bridge {
  stop(): Promise<void>;
  view(): RouterView[];
}

/** Loads the config file and starts the daemon on it. */
export type StartBridge = (configFile: string) => Promise<Bridge>;
