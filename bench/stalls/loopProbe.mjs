// Preloaded into the process under test (node --import): the event loop's delay, measured inside it, written
// as JSON to $SWICTATION_LOOP_PROBE_OUT at exit. SIGUSR2 starts the count afresh (the benchmark sends it at the
// first GPU reading, so module loading is not counted). Works on any version of the code: it needs no hook in it.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const out = process.env.SWICTATION_LOOP_PROBE_OUT;
if (out) {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  process.on('SIGUSR2', () => histogram.reset());
  process.on('exit', () => {
    histogram.disable();
    const ms = (ns) => ns / 1e6;
    const figures = {
      p50: ms(histogram.percentile(50)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
      count: histogram.count,
    };
    writeFileSync(out, `${JSON.stringify(figures)}\n`);
  });
}
