/**
 * A V8 flag tikprobe sets for itself at start, unless Node's command line already set one of
 * the same family: whoever starts Node with a flag of their own keeps it.
 */
import { setFlagsFromString } from 'node:v8';

/** Sets `flag` unless an argument of `execArgv` matches `family`; true when it was set here. */
export function setUnlessGiven(execArgv: readonly string[], family: RegExp, flag: string, set: (flags: string) => void = setFlagsFromString): boolean {
  if (execArgv.some((a) => family.test(a))) return false;
  set(flag);
  return true;
}
