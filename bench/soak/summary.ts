import type { ResultOf } from '../../shared/contract';
import { describeMachine, type MachineInfo } from '../machine';
import { table } from '../report';
import { fmt } from '../stats';
import type { Check, RssGrowth, RssSample } from './checks';
import { CYCLE } from './oscillation';

type Runtime = ResultOf<'info'>['runtime'];

export interface SoakResult {
  machine: MachineInfo;
  /** engine: 'sources' (TypeScript through tsx, as the tests run it) or 'bundled' (plain Node, as shipped). */
  params: { minutes: number; cycleMs: number; rssEveryMs: number; settleMs: number; engine?: string };
  runS: number;
  /** 1-minute load average: the soak shares the machine, and a loaded machine stretches every timing. */
  load: { atStart: number; mean: number; max: number };
  checks: Check[];
  transitions: {
    expected: number;
    seen: number;
    cycles: number;
    /** Phase change → level event arriving in the soak process. */
    delayMs: { p50: number; max: number };
    offloads: number;
    restores: number;
    finalLevel: string;
  };
  dictation: {
    loops: number;
    utterances: number;
    transcripts: number;
    wer: number;
    byDevice: { gpu: number; cpu: number };
    latencyMs: { p50: number; p95: number; max: number };
    maxPushLagMs: number;
  };
  rss: RssGrowth & { samples: RssSample[] };
  engineRuntime: { end: Runtime; timeline: Runtime[] };
  samples: number;
}

export function renderSoak(r: SoakResult): string {
  const lag = r.engineRuntime.end.eventLoopDelayMs;
  const cycle = CYCLE.map((p) => `${p.level} ${p.ms / 1000} s (${Math.round(p.usage * 100)} %)`).join(' → ');
  return [
    `# Soak: ${r.params.minutes} minutes`,
    '',
    `_Machine: ${describeMachine(r.machine)}; load average at start ${r.load.atStart}, mean ${fmt(r.load.mean)},` +
      ` max ${fmt(r.load.max)} over the run; ${fmt(r.runS)} s._`,
    '',
    `The real engine process (${r.params.engine === 'bundled' ? 'the bundle build/app/bundle.ts makes, under plain Node, as the packaged app runs it' : 'its TypeScript sources through tsx'}; simulated GPU, speech on with the tiny-ctc fixture model, real onnxruntime on the` +
      ` CPU) while GPU usage cycles ${cycle}, and ten-utterances.wav is pushed at real-time pace through` +
      ' `audio.push`, one push dictation per pass.',
    '',
    table(
      ['check', 'result', 'figure'],
      r.checks.map((c) => [c.name, c.ok ? 'pass' : '**FAIL**', c.detail]),
    ),
    '',
    table(
      ['figure', 'value'],
      [
        ['pressure cycles', String(r.transitions.cycles)],
        ['level transitions seen / due', `${r.transitions.seen} / ${r.transitions.expected}`],
        [
          'phase change → level event, p50 / max',
          `${fmt(r.transitions.delayMs.p50)} ms / ${fmt(r.transitions.delayMs.max)} ms`,
        ],
        ['offloads / restores of stt', `${r.transitions.offloads} / ${r.transitions.restores}`],
        ['dictation passes', String(r.dictation.loops)],
        ['transcripts / utterances', `${r.dictation.transcripts} / ${r.dictation.utterances}`],
        ['transcribed on simulated GPU / CPU', `${r.dictation.byDevice.gpu} / ${r.dictation.byDevice.cpu}`],
        ['word error rate', fmt(r.dictation.wer)],
        [
          'end of speech → transcript, p50 / p95 / max',
          `${fmt(r.dictation.latencyMs.p50)} ms / ${fmt(r.dictation.latencyMs.p95)} ms / ${fmt(r.dictation.latencyMs.max)} ms`,
        ],
        [
          'engine RSS after warm-up: baseline → final',
          `${fmt(r.rss.baselineMiB)} → ${fmt(r.rss.finalMiB)} MiB`,
        ],
        [
          'engine RSS growth / trend',
          `${fmt(r.rss.growth * 100)} % / ${fmt(r.rss.slopeMiBPerHour)} MiB per hour`,
        ],
        ['engine RSS max', `${fmt(r.rss.maxMiB)} MiB`],
        [
          'engine event-loop lag p50 / p99 / max',
          `${fmt(lag.p50)} ms / ${fmt(lag.p99)} ms / ${fmt(lag.max)} ms`,
        ],
        ['GPU readings', String(r.samples)],
      ],
    ),
    '',
    `RSS is VmRSS of the engine process from /proc, every ${r.params.rssEveryMs / 1000} s (kept one per 10 s); the` +
      ` first ${fmt(r.rss.warmupS)} s (a third of the run) are warm-up, the slope is fitted to the last two thirds, and` +
      ' baseline and final are the medians of their first and last tenth. Event-loop lag is measured inside the engine' +
      ' (perf_hooks.monitorEventLoopDelay, 10 ms resolution, over the whole process life, start-up included) and' +
      ' read through `info.runtime`. A transition is due when its phase began at least' +
      ` ${r.params.settleMs / 1000} s before the end; later ones may or may not have arrived.`,
    '',
  ].join('\n');
}
