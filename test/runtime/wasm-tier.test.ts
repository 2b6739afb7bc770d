import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { keepWasmBaseline, WASM_BASELINE_FLAG } from '../../src/wasm-tier.js';

describe('WebAssembly tier', () => {
  it('keeps the baseline tier when the command line chose nothing about WebAssembly', () => {
    const set: string[] = [];
    expect(keepWasmBaseline(['--max-semi-space-size=2', '--heap-growing-percent=60'], (f) => set.push(f))).toBe(true);
    expect(set).toEqual([WASM_BASELINE_FLAG]);
  });

  it('leaves a tier chosen on the command line alone, in either spelling', () => {
    for (const given of ['--no-liftoff-only', '--liftoff-only', '--wasm-tier-up', '--no-wasm-tier-up', '--wasm_dynamic_tiering', '--liftoff_only']) {
      const set: string[] = [];
      expect(keepWasmBaseline([given], (f) => set.push(f))).toBe(false);
      expect(set).toEqual([]);
    }
  });

  it('is a flag known to the V8 of this Node (V8 ignores an unknown one silently)', () => {
    expect(execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' })).toContain(WASM_BASELINE_FLAG);
  });

  it('undici still parses replies with the flag set at run time', () => {
    const program = `
      import { setFlagsFromString } from 'node:v8';
      import { createServer } from 'node:http';
      setFlagsFromString(${JSON.stringify(WASM_BASELINE_FLAG)});
      const { Client } = await import('undici');
      const server = createServer((_q, s) => { s.setHeader('content-type', 'application/json'); s.end('{"uptime":"1w2d"}'); });
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      const client = new Client('http://127.0.0.1:' + server.address().port);
      const texts = [];
      for (let i = 0; i < 50; i++) texts.push(await (await client.request({ path: '/rest/system/resource', method: 'GET' })).body.text());
      await client.close();
      server.close();
      console.log(JSON.stringify([...new Set(texts)]));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8', cwd: import.meta.dirname });
    expect(JSON.parse(out.trim())).toEqual(['{"uptime":"1w2d"}']);
  });
});
