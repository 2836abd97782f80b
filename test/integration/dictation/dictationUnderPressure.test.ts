/**
 * Dictation end to end under memory pressure: the 60 s fixture with 10 held-out utterances goes through the
 * real VAD, segmenter, queue, features and the tiny CTC model (real onnxruntime on the CPU), while the
 * simulated GPU is squeezed into EMERGENCY (stt offloaded) and later freed (stt restored) mid-stream.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../shared/engineEvents';
import type { AudioSource } from '../../../electron/engine/audio/audioTypes';
import { SileroVad } from '../../../electron/engine/audio/sileroVad';
import { readWav } from '../../../electron/engine/audio/wavFile';
import { runDictation } from '../../../electron/engine/dictation/dictationPipeline';
import { createHostedSessionFactory } from '../../../electron/engine/models/sessionHost';
import { wallClock } from '../../../electron/engine/runtime/clock';
import { parseScenario } from '../../../electron/engine/simulation/scenario';
import { SimulatedRig } from '../../../electron/engine/simulation/simulatedRig';
import { loadRecognizer } from '../../../electron/engine/stt/loadRecognizer';
import { FIXTURE_MODEL_DIR } from '../../../electron/engine/stt/modelLocation';

const audioDir = fileURLToPath(new URL('../../fixtures/audio/', import.meta.url));
const haveFixtures =
  existsSync(join(audioDir, 'ten-utterances.wav')) && existsSync(join(FIXTURE_MODEL_DIR, 'model.onnx'));

interface Labels {
  utterances: { text: string; startMs: number; endMs: number }[];
}

/** The file paced at `speed` × real time (a microphone at 1×), calling `at` as the stream passes each mark. */
function pacedSource(audio: Float32Array, speed: number, marks: [number, () => void][]): AudioSource {
  return {
    async *[Symbol.asyncIterator]() {
      const chunk = 512;
      const started = performance.now();
      for (let offset = 0; offset < audio.length; offset += chunk) {
        const ms = (offset / 16_000) * 1000;
        for (const m of marks.filter(([at]) => at <= ms)) {
          m[1]();
          marks.splice(marks.indexOf(m), 1);
        }
        const due = started + ms / speed;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        yield audio.subarray(offset, offset + chunk);
      }
    },
  };
}

/** Word-level Levenshtein distance: substitutions + insertions + deletions (the WER numerator). */
function editDistance(a: string[], b: string[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

function words(s: string): string[] {
  return s.toLowerCase().split(/\s+/).filter(Boolean);
}

let home: string;
let vad: SileroVad | undefined;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'swictation-dictation-'));
  if (haveFixtures) vad = await SileroVad.create();
});
afterAll(async () => {
  await vad?.release();
  await rm(home, { recursive: true, force: true });
});

describe.skipIf(!haveFixtures)(
  'dictation of 10 utterances through an EMERGENCY offload and a restore',
  () => {
    it('gives 10 transcripts, none lost, none with its first word clipped', async () => {
      const labels = JSON.parse(readFileSync(join(audioDir, 'ten-utterances.json'), 'utf8')) as Labels;
      const { audio } = await readWav(join(audioDir, 'ten-utterances.wav'));
      const recognizer = await loadRecognizer(FIXTURE_MODEL_DIR);
      const scenario = parseScenario({
        gpu: { name: 'Simulated 8 GB', totalMiB: 8000, reservedMiB: 300 },
        settings: { intervalMs: 20, recoveryDwellMs: 100, cooldownMs: 60_000 },
        models: recognizer.models.map((m) => ({ ...m, sizeMiB: 1500 })),
        steps: [{ atMs: 0, externalMiB: 1000 }],
      });
      if (!scenario.ok) throw new Error(scenario.error);
      const events: (EngineEvent & { at: number })[] = [];
      const rig = new SimulatedRig(scenario.scenario, {
        clock: wallClock,
        emit: (e) => events.push({ ...e, at: performance.now() }),
        realFactory: createHostedSessionFactory({ gpuEp: null }),
      });
      await rig.start();
      const firstPlacement = events.find((e) => e.type === 'placement');
      expect(firstPlacement).toMatchObject({ to: 'gpu' });

      // Other programs take the GPU after the 3rd utterance and give it back after the 6th.
      const marks: [number, () => void][] = [
        [(labels.utterances[2]?.endMs ?? 0) + 500, () => (rig.gpu.externalMiB = 7000)],
        [(labels.utterances[5]?.endMs ?? 0) + 500, () => (rig.gpu.externalMiB = 500)],
      ];
      const transcripts = await runDictation(pacedSource(audio, 6, marks), {
        recognizer,
        run: (id, feeds) => rig.host.run(id, feeds),
        vad: vad as SileroVad,
        historyDir: join(home, 'history'),
        emit: (e) => events.push({ ...e, at: performance.now() }),
      });
      await rig.stop();

      expect(events.filter((e) => e.type === 'failure')).toEqual([]);
      expect(transcripts).toHaveLength(10);
      const moves = events.filter((e) => e.type === 'placement' && e.from !== null);
      expect(moves.map((e) => (e.type === 'placement' ? `${e.from}->${e.to}` : ''))).toEqual([
        'gpu->cpu',
        'cpu->gpu',
      ]);
      expect(events.some((e) => e.type === 'level' && e.to === 'EMERGENCY')).toBe(true);
      // Utterances were transcribed on both devices: before, during and after the offload.
      expect(new Set(transcripts.map((t) => t.device))).toEqual(new Set(['gpu', 'cpu']));

      transcripts.forEach((t, i) => {
        const label = labels.utterances[i];
        expect(t.startMs).toBeLessThanOrEqual((label?.startMs ?? 0) - 200);
        expect(words(t.text)[0]).toBe(words(label?.text ?? '')[0]);
      });
      const expected = labels.utterances.flatMap((u) => words(u.text));
      const got = transcripts.flatMap((t) => words(t.text));
      expect(editDistance(expected, got) / expected.length).toBeLessThanOrEqual(0.1);
    });
  },
);
