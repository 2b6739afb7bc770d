/**
 * Preloaded into the bridge process (`node --import …/event-loop-probe.mjs dist/cli.js run`)
 * by the fleet benchmark: records event-loop delay with perf_hooks (beyond its 10 ms
 * sampling timer, so an idle loop shows 0), restarts the record on SIGUSR2, and writes the figures
 * to $TIKPROBE_BENCH_ELD_FILE every few seconds and at exit. The bridge has no hook of its
 * own for this, and the delay cannot be seen from outside the process.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.TIKPROBE_BENCH_ELD_FILE;
if (file) {
  const resolutionMs = 10;
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  const write = () => {
    // The histogram holds the time between two ticks of a `resolutionMs` timer; the delay is what exceeds it.
    const ms = (ns) => Math.max(0, Math.round((ns / 1e6 - resolutionMs) * 100) / 100);
    const figures = {
      at: Date.now(),
      samples: histogram.count,
      p50Ms: ms(histogram.percentile(50)),
      p99Ms: ms(histogram.percentile(99)),
      maxMs: ms(histogram.max),
      meanMs: ms(histogram.mean),
      resolutionMs,
      // Where the resident memory goes, for whoever has to shrink it.
      memory: process.memoryUsage(),
    };
    try {
      // Write-then-rename: the benchmark may read the file at any moment.
      writeFileSync(`${file}.tmp`, JSON.stringify(figures));
      renameSync(`${file}.tmp`, file);
    } catch {
      // The benchmark reads whatever was written last; a failed write only loses one update.
    }
  };
  // The benchmark sends SIGUSR2 when its window starts, so start-up work (config, TLS
  // handshakes, first polls) is not counted.
  process.on('SIGUSR2', () => histogram.reset());
  setInterval(write, 2000).unref();
  process.on('exit', write);
}
