import { describe, expect, it } from 'vitest';
import { Turns } from '../../src/time/turns.js';

describe('Turns', () => {
  it('is due once a slice has lasted its length, and a turn starts the next slice', async () => {
    let clock = 100;
    const turns = new Turns(5, () => clock);
    clock = 104.9;
    expect(turns.due()).toBe(false);
    clock = 105;
    expect(turns.due()).toBe(true);
    let ranMeanwhile = false;
    setImmediate(() => {
      ranMeanwhile = true;
    });
    await turns.take();
    expect(ranMeanwhile).toBe(true); // the event loop had its turn
    expect(turns.due()).toBe(false);
    clock = 110;
    expect(turns.due()).toBe(true);
  });
});
