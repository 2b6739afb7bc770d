/**
 * The shape of the running bridge as the demo sees it. The composition root provides a
 * `StartBridge`; the demo receives it as a dependency and never imports the bridge itself.
 */
import type { RouterSample } from '../model.js';

export interface RouterView {
  name: string;
  state: 'starting' | 'up' | 'down' | 'backoff';
  lastSample: RouterSample | undefined;
  lastError: string | undefined;
  lastPing: { value: number; at: number } | undefined;
}

export interface Bridge {
  stop(): Promise<void>;
  view(): RouterView[];
}

/** Loads the config file and starts the daemon on it. */
export type StartBridge = (configFile: string) => Promise<Bridge>;
