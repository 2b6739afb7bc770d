/**
 * The state directory's real store with its writes counted, for harnesses that step a manual
 * clock and count its timers. The flusher holds a timer only while a state waits to be written;
 * a write still going from an earlier step makes the next flush wait for it and then take the
 * state a later poll marked as well, so that timer is gone before it is counted. Stepping only
 * once `settled()` has resolved keeps the count exact.
 */
import { vi } from 'vitest';
import type { Logger } from '../../src/log.js';
import { createStateStore, type StateStore } from '../../src/state/store.js';

export interface CountedStore {
  store: StateStore;
  /** Resolves once no write is in flight (polls real time; the writes are real file I/O). */
  settled(): Promise<void>;
}

export function countedStore(dir: string, logger: Logger): CountedStore {
  const store = createStateStore(dir, { logger });
  const save = store.saveMany.bind(store);
  let writing = 0;
  store.saveMany = async (states) => {
    writing++;
    try {
      await save(states);
    } finally {
      writing--;
    }
  };
  const settled = () =>
    vi.waitFor(
      () => {
        if (writing > 0) throw new Error(`${writing} state write(s) still in flight`);
      },
      { timeout: 10_000, interval: 5 },
    );
  return { store, settled };
}
