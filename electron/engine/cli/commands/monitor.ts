import type { GpuSample } from '../../../../shared/gpuSample';
import { usageOf } from '../../../../shared/gpuSample';
import { levelForUsage } from '../../../../shared/pressurePolicy';
import type { Thresholds } from '../../../../shared/settings';
import type { ProbeAttempt } from '../../memory/probes/openProbe';
import { userDataDir } from '../../runtime/userDataDir';
import { locateModel } from '../../stt/modelLocation';
import { openCliProbe } from '../cliProbe';
import { SamplingLoop } from '../../memory/samplingLoop';
import { wallClock } from '../../runtime/clock';
import { cliSettings } from '../cliSettings';
import type { ParsedArgs } from '../main';
import { UsageError } from '../usageError';

const BAR_WIDTH = 40;

/** A live terminal view of every watched GPU's memory (whole-device figures) until Ctrl-C. */
export async function monitorCommand({ values }: ParsedArgs): Promise<number> {
  const { settings } = await cliSettings();
  const intervalMs = parseInterval(values['interval'], settings.memory.intervalMs);
  const { probe, attempts } = openCliProbe(values['gpu'], settings.memory.gpu);
  if (probe.kind === 'none') return monitorWithoutGpu(intervalMs, attempts, settings.speech.model);
  const tty = process.stdout.isTTY;
  const last = probe.watched.at(-1)?.index;
  let tick: GpuSample[] = [];
  const loop = new SamplingLoop({
    clock: wallClock,
    intervalMs,
    read: (now) => probe.sampleAll(now),
    onSample: (s) => {
      // One screen per tick, every GPU on it: drawn when the tick's last GPU is read.
      tick.push(s);
      if (s.gpu.index !== last) return;
      const screen = tick.map((g) => render(g, settings.memory.thresholds)).join('\n\n');
      process.stdout.write(`${tty ? '\x1b[H\x1b[2J' : ''}${screen}\nCtrl-C to quit\n`);
      tick = [];
    },
    onError: (message, retryInMs) =>
      process.stdout.write(`probe failed: ${message} (retry in ${retryInMs} ms)\n`),
  });
  loop.start();
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  loop.stop();
  probe.close();
  return 0;
}

/**
 * No GPU: not an error (speech runs on the CPU, the README's first command is `monitor`). Show what can be
 * known here and keep refreshing until Ctrl-C, like the GPU view.
 */
async function monitorWithoutGpu(
  intervalMs: number,
  attempts: ProbeAttempt[],
  model: string,
): Promise<number> {
  const speech = await describeSpeechModel(model);
  const why = attempts
    .filter((a) => !a.ok)
    .map((a) => `${a.kind}: ${a.error ?? 'failed'}`)
    .join('; ');
  const tty = process.stdout.isTTY;
  const show = () =>
    process.stdout.write(`${tty ? '\x1b[H\x1b[2J' : ''}${renderNoGpu(speech, why, new Date())}\n`);
  show();
  const timer = setInterval(show, intervalMs);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  clearInterval(timer);
  return 0;
}

/** The model dictation would use, and where: with no GPU, the CPU. */
async function describeSpeechModel(setting: string): Promise<string> {
  try {
    const location = await locateModel(setting === '' ? undefined : setting, userDataDir());
    const how = location.source === 'fixture' ? 'bundled' : location.source;
    return `${location.id} (${how}) on the CPU`;
  } catch (error) {
    return `none usable: ${error instanceof Error ? error.message : String(error)}`;
  }
}

export function renderNoGpu(speech: string, why: string, now: Date): string {
  return [
    `No GPU found   ${now.toLocaleTimeString()}`,
    'Speech runs on the CPU: there is no GPU memory to watch or protect.',
    `Speech model: ${speech}`,
    `Probes: ${why || 'none available'}`,
    'Run `swictation doctor` to see what a GPU would need. Ctrl-C to quit',
  ].join('\n');
}

function parseInterval(raw: unknown, fallback: number): number {
  if (typeof raw !== 'string') return fallback;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 20)
    throw new UsageError(`--interval must be a whole number of ms ≥ 20, got "${raw}"`);
  return ms;
}

export function render(s: GpuSample, t: Thresholds): string {
  const usage = usageOf(s);
  const filled = Math.round(usage * BAR_WIDTH);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
  const top = s.topProcesses
    .slice(0, 5)
    .map(
      (p) =>
        `  ${String(p.pid).padStart(7)}  ${(p.usedMiB === null ? 'n/a' : `${Math.round(p.usedMiB)} MiB`).padStart(10)}  ${p.name}`,
    );
  return [
    `${s.gpu.name} (GPU ${s.gpu.index})   level ${levelForUsage(usage, t)}   ${new Date(s.atMs).toLocaleTimeString()}`,
    `[${bar}] ${(usage * 100).toFixed(1)}%`,
    `${Math.round(s.usedMiB)} / ${Math.round(s.totalMiB)} MiB used, ${Math.round(s.freeMiB)} MiB free` +
      (s.reservedMiB === null ? '' : `, ${Math.round(s.reservedMiB)} MiB reserved`),
    'Top processes:',
    ...(top.length ? top : ['  (none reported)']),
  ].join('\n');
}
