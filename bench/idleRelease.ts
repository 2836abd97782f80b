// (k) Idle release: from dictation start to the first transcript with the speech model resident on the GPU, after
// an idle release (it waits on its CPU copy) and after an idle unload (no session at all), side by side in one run.
// The real MemoryManager, ModelHost, session hosts, VAD and recognizer; the GPU is the simulator (no GPU here).
import { fileURLToPath } from 'node:url';
import type { EngineEvent } from '../shared/engineEvents';
import { validateMemorySettings } from '../shared/settings';
import { SileroVad } from '../electron/engine/audio/sileroVad';
import { readWav } from '../electron/engine/audio/wavFile';
import { runDictation } from '../electron/engine/dictation/dictationPipeline';
import { createMemoryStack, type MemoryStack } from '../electron/engine/memory/memoryStack';
import { SamplingLoop } from '../electron/engine/memory/samplingLoop';
import { SimulatedGpu } from '../electron/engine/memory/simulatedGpu';
import { createHostedSessionFactory } from '../electron/engine/models/sessionHost';
import type { SessionFactory } from '../electron/engine/models/session';
import { createSimulatedSessionFactory } from '../electron/engine/models/simulatedSessionFactory';
import type { Clock } from '../electron/engine/runtime/clock';
import { loadRecognizer, type LoadedRecognizer } from '../electron/engine/stt/loadRecognizer';
import { FIXTURE_MODEL_DIR } from '../electron/engine/stt/modelLocation';
import { machineInfo } from './machine';
import { pacedAudio } from './pacedAudio';
import { table, type BenchResult } from './report';
import { fmt, summarize } from './stats';

const AUDIO = fileURLToPath(new URL('../test/fixtures/audio/ten-utterances.wav', import.meta.url));
const HISTORY_DIR = fileURLToPath(new URL('./results/.tmp-history/', import.meta.url));
const SECOND = 16_000;
const SAMPLE_MS = 200;
const IDLE_MINUTES = 1;
/**
 * The first utterance (2.0–4.8 s in the file) and its 600 ms end-of-speech silence; the second starts at 8.8 s.
 * Cut to start 0.5 s before the speech: a user who starts talking at once leaves a load no time to hide.
 */
const CLIP_S = { from: 1.5, to: 6.5 };
/** FACTS.md: creating a 1.5 GiB model's session took ~5 s on the CPU and on WebGPU alike. */
const REAL_MODEL_LOAD_MS = 5000;
const LOADS = [0, REAL_MODEL_LOAD_MS];

type Case = 'resident' | 'released' | 'unloaded';
const CASES: Case[] = ['resident', 'released', 'unloaded'];

interface Trial {
  case: Case;
  /** Extra time every session creation took (0: the tiny fixture as it is). */
  loadMs: number;
  /** Dictation start → the first transcript event. */
  firstTranscriptMs: number;
  /** End of speech → that transcript (the recognizer's share, model loads included). */
  latencyMs: number;
  /** Where the first utterance ran. */
  device: string;
  /** Dictation start → the speech model back on the GPU (null: it was there all along). */
  backOnGpuMs: number | null;
}

/** Wall time that can be moved forward, so "10 minutes idle" takes no ten minutes. */
function skippableClock(): Clock & { skip(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    setTimeout(fn, ms) {
      const t = setTimeout(fn, ms);
      return { cancel: () => clearTimeout(t) };
    },
    skip: (ms) => (offset += ms),
  };
}

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Rig {
  stack: MemoryStack;
  loop: SamplingLoop;
  clock: ReturnType<typeof skippableClock>;
  close(): Promise<void>;
}

/** Every session creation takes `ms` longer: the tiny fixture loading like a real model. */
function slowLoads(factory: SessionFactory, ms: number): SessionFactory {
  if (ms === 0) return factory;
  return {
    async create(model, device, lane) {
      await new Promise((r) => setTimeout(r, ms));
      return factory.create(model, device, lane);
    },
    close: () => factory.close?.() ?? Promise.resolve(),
  };
}

async function startRig(recognizer: LoadedRecognizer, idleUnload: boolean, loadMs: number): Promise<Rig> {
  const settings = validateMemorySettings({
    intervalMs: SAMPLE_MS,
    idleReleaseMinutes: IDLE_MINUTES,
    idleUnload,
    recoveryDwellMs: 0,
  });
  if (!settings.ok) throw new Error(settings.errors.join('; '));
  const clock = skippableClock();
  const gpu = new SimulatedGpu({ name: 'Simulated 16 GB', totalMiB: 16_384, reservedMiB: 300 });
  gpu.externalMiB = 2000;
  const real = createHostedSessionFactory({ gpuEp: null });
  let loop: SamplingLoop | null = null;
  const stack = createMemoryStack({
    factory: slowLoads(createSimulatedSessionFactory(gpu, real), loadMs),
    clock,
    settings: settings.settings,
    gpuAvailable: true,
    probeKind: 'simulated',
    readings: {
      readFreeMiB: () => Promise.resolve(gpu.freeMiB),
      requestSample: (afterMs) => clock.setTimeout(() => loop?.sampleNow(), afterMs),
      readProcessMiB: () => Promise.resolve(gpu.ourMiB),
    },
    emit: () => undefined,
  });
  loop = new SamplingLoop({
    clock,
    intervalMs: SAMPLE_MS,
    read: (nowMs) => gpu.sample(nowMs),
    onSample: (s) => stack.manager.onSample(s),
    onError: (message) => stack.manager.onProbeError(message),
  });
  stack.manager.onSample(gpu.sample(clock.now()));
  for (const m of recognizer.models) await stack.manager.load(m);
  loop.start();
  return {
    stack,
    loop,
    clock,
    close: async () => {
      loop.stop();
      await stack.host.releaseAll();
    },
  };
}

const sttOnGpu = (rig: Rig) => rig.stack.host.views().every((m) => m.prefer !== 'gpu' || m.device === 'gpu');

/** Let the idle time pass (skipped, not waited) and wait for the release the next reading triggers. */
async function goIdle(rig: Rig, c: Case): Promise<void> {
  rig.stack.manager.noteDictation('stopped');
  if (c === 'resident') return;
  rig.clock.skip(IDLE_MINUTES * 60_000 + 1);
  const released = () =>
    rig.stack.host
      .views()
      .every((m) => m.prefer !== 'gpu' || (c === 'unloaded' ? m.unloaded : m.device === 'cpu'));
  await until(released, `the idle ${c === 'unloaded' ? 'unload' : 'release'}`);
  await rig.stack.manager.idle();
}

async function trial(
  rig: Rig,
  c: Case,
  loadMs: number,
  recognizer: LoadedRecognizer,
  vad: SileroVad,
  audio: Float32Array,
): Promise<Trial> {
  await goIdle(rig, c);
  const heard = new AbortController(); // the first transcript is the figure: the microphone stops there
  let first: Extract<EngineEvent, { type: 'transcript' }> | null = null;
  let backOnGpuMs: number | null = c === 'resident' ? null : -1;
  const started = performance.now();
  rig.stack.manager.noteDictation('listening');
  const watch = setInterval(() => {
    if (backOnGpuMs === -1 && sttOnGpu(rig)) backOnGpuMs = performance.now() - started;
  }, 5);
  let firstAt = 0;
  await runDictation(pacedAudio(audio, 1, heard.signal), {
    recognizer,
    vad,
    run: (id, feeds) => rig.stack.host.run(id, feeds),
    historyDir: HISTORY_DIR,
    emit: (e) => {
      if (e.type !== 'transcript' || first !== null) return;
      first = e;
      firstAt = performance.now();
      heard.abort();
    },
  });
  await until(() => backOnGpuMs !== -1, 'the model back on the GPU');
  clearInterval(watch);
  const t = first as Extract<EngineEvent, { type: 'transcript' }> | null;
  if (t === null) throw new Error('no transcript from the first utterance');
  return {
    case: c,
    loadMs,
    firstTranscriptMs: firstAt - started,
    latencyMs: t.latencyMs,
    device: t.device,
    backOnGpuMs,
  };
}

export async function benchIdleRelease(quick: boolean): Promise<BenchResult> {
  const started = performance.now();
  const { audio } = await readWav(AUDIO);
  const firstUtterance = audio.subarray(CLIP_S.from * SECOND, CLIP_S.to * SECOND);
  const rounds = quick ? 1 : 4;
  const recognizer = await loadRecognizer(FIXTURE_MODEL_DIR);
  const vad = await SileroVad.create();
  const trials: Trial[] = [];
  try {
    for (const loadMs of LOADS) {
      for (const idleUnload of [false, true]) {
        const rig = await startRig(recognizer, idleUnload, loadMs);
        try {
          await until(() => sttOnGpu(rig), 'the first GPU load');
          // Rounds alternate resident and idle trials so a noisy minute touches both.
          for (let r = 0; r < rounds; r++) {
            for (const c of ['resident', idleUnload ? 'unloaded' : 'released'] as const) {
              trials.push(await trial(rig, c, loadMs, recognizer, vad, firstUtterance));
            }
          }
        } finally {
          await rig.close();
        }
      }
    }
  } finally {
    await vad.release();
  }
  return result(trials, recognizer, rounds, quick, started);
}

const CASE_WORDS: Record<Case, string> = {
  resident: 'resident on the GPU',
  released: 'idle-released (CPU copy)',
  unloaded: 'idle-unloaded (no session)',
};

function result(
  trials: Trial[],
  recognizer: LoadedRecognizer,
  rounds: number,
  quick: boolean,
  started: number,
): BenchResult {
  const rows = LOADS.flatMap((loadMs) =>
    CASES.map((c) => {
      const mine = trials.filter((t) => t.case === c && t.loadMs === loadMs);
      const back = mine.map((t) => t.backOnGpuMs).filter((v): v is number => v !== null);
      return {
        loadMs,
        case: c,
        n: mine.length,
        first: summarize(mine.map((t) => t.firstTranscriptMs)),
        latency: summarize(mine.map((t) => t.latencyMs)),
        devices: [...new Set(mine.map((t) => t.device))],
        back: back.length ? summarize(back).median : null,
      };
    }),
  );
  const ms = (v: number) => `${fmt(v)} ms`;
  const residentOf = (loadMs: number) => rows.find((r) => r.loadMs === loadMs && r.case === 'resident');
  const sizes = recognizer.models.map((m) => `${m.id} ${m.sizeMiB} MiB`).join(', ');
  const markdown = [
    `Speech model: the bundled tiny CTC fixture (${sizes}), first utterance of` +
      ` test/fixtures/audio/ten-utterances.wav (speech from 0.5 s to 3.3 s after dictation starts) fed at real time. "load +5 s": every session` +
      ` creation made 5 s longer, as FACTS.md measured for a 1.5 GiB model on the CPU and on WebGPU.` +
      ` Idle release after ${IDLE_MINUTES} min (skipped on the engine's clock, not waited).`,
    '',
    table(
      [
        'loads',
        'model at dictation start',
        'start → 1st transcript',
        'p95',
        'vs resident',
        'speech end → text',
        'ran on',
        'GPU again after',
        'n',
      ],
      rows.map((r) => {
        const resident = residentOf(r.loadMs)?.first.median ?? 0;
        return [
          r.loadMs === 0 ? 'as is' : `+${fmt(r.loadMs / 1000)} s`,
          CASE_WORDS[r.case],
          ms(r.first.median),
          ms(r.first.p95),
          resident > 0 ? `${fmt(r.first.median / resident)}×` : '–',
          ms(r.latency.median),
          r.devices.join(', '),
          r.back === null ? '–' : ms(r.back),
          String(r.n),
        ];
      }),
    ),
    '',
    'Start → first transcript includes the words spoken and the 600 ms end-of-speech silence, so the ratio to' +
      ' "resident" is what an idle release costs the user; medians of n trials. The GPU is simulated: its "GPU"' +
      ' copy runs on the CPU as well.',
  ].join('\n');
  return {
    name: 'idle',
    title: '(k) Idle release: dictation start → first transcript, resident vs released vs unloaded',
    quick,
    machine: machineInfo(),
    seconds: (performance.now() - started) / 1000,
    params: { rounds, idleMinutes: IDLE_MINUTES, sampleMs: SAMPLE_MS, loadsMs: LOADS },
    data: { trials, rows },
    markdown,
  };
}
