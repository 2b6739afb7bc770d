/**
 * Figures of another process read from /proc (Linux): CPU time and resident memory.
 * Used so the bridge's figures come from the kernel, not from the bridge itself.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticks;
/** Clock ticks per second of /proc/<pid>/stat times (100 on nearly every Linux). */
export function clockTicks() {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** User + system CPU seconds used so far by `pid` (its threads included). */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / clockTicks();
}

/** Current and peak resident set size of `pid`, in bytes. */
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peakRss: kb('VmHWM') };
}

/** CPU share of one core used by `pid` between two readings. */
export function cpuMeter(pid) {
  const t0 = performance.now();
  const c0 = cpuSeconds(pid);
  return () => {
    const wall = (performance.now() - t0) / 1000;
    const used = cpuSeconds(pid) - c0;
    return { cpuSeconds: used, wallSeconds: wall, percentOfCore: (100 * used) / wall };
  };
}
