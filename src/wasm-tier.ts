/**
 * undici parses HTTP with llhttp compiled to WebAssembly. V8 compiles it first with its
 * baseline compiler (Liftoff) and then again, function by function, with its optimising one;
 * that second copy and its compile memory cost 2–13 MB of RSS, while the replies of a
 * router (a few KB, mostly body bytes the parser only counts) parse no faster for it
 * (bench/README.md, "WebAssembly tier"). `--liftoff-only` keeps the first copy. Set before
 * the first HTTP connection compiles the parser; a WebAssembly flag on the command line wins.
 */
import { setUnlessGiven } from './v8-flag.js';

export const WASM_BASELINE_FLAG = '--liftoff-only';

/** Keeps WebAssembly on its baseline tier unless the command line chose a tier; true when it was set here. */
export function keepWasmBaseline(execArgv: readonly string[], set?: (flags: string) => void): boolean {
  return setUnlessGiven(execArgv, /^--(no-)?(liftoff|wasm)[-_]/, WASM_BASELINE_FLAG, set);
}
