/**
 * A whole integration in a few lines: it records every sample it is offered. It plugs in
 * through the same registration list as Komari and Nezha (main.ts INTEGRATIONS), which is
 * the proof that a new integration is one folder and one line.
 */
import type { IntegrationFactory, RouterPart } from '../../../src/integrations/contract.js';
import type { RouterSample } from '../../../src/model.js';

export function createRecorder(samples: RouterSample[]): IntegrationFactory {
  return () => ({
    name: 'recorder',
    attach: (): RouterPart => ({
      start: () => undefined,
      offer: (sample) => void samples.push(sample),
      stop: async () => undefined,
      status: () => ({ lastSuccessAt: undefined, lastErrorAt: undefined, lastError: undefined, sending: false, queueAgeMs: 0, dropped: 0 }),
    }),
    close: async () => undefined,
  });
}

export type Step = 'create' | 'attach' | 'start' | 'offer' | 'stop';

/** An integration that throws at one step of its life, for the isolation tests. */
export function createFaulty(step: Step, timers: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(h: unknown): void }): IntegrationFactory {
  return () => {
    if (step === 'create') throw new Error('faulty create');
    return {
      name: 'faulty',
      attach: (): RouterPart => {
        if (step === 'attach') throw new Error('faulty attach');
        // A timer of its own, to prove a failed start or stop leaves nothing behind.
        let timer: unknown;
        return {
          start: () => {
            timer = timers.setTimeout(() => undefined, 3_600_000);
            if (step === 'start') throw new Error('faulty start');
          },
          offer: () => {
            if (step === 'offer') throw new Error('faulty offer');
          },
          stop: async () => {
            timers.clearTimeout(timer);
            if (step === 'stop') throw new Error('faulty stop');
          },
          status: () => ({ lastSuccessAt: undefined, lastErrorAt: undefined, lastError: undefined, sending: false, queueAgeMs: 0, dropped: 0 }),
        };
      },
      close: async () => undefined,
    };
  };
}
