/**
 * Dictation over the contract: the engine process loads the bundled speech model, the client pushes a
 * held-out WAV as 16 kHz frames (as the renderer's AudioWorklet will), and the transcript comes back as an
 * event and in the history.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { readWav } from '../../../electron/engine/audio/wavFile';
import { FIXTURE_MODEL_DIR } from '../../../electron/engine/stt/modelLocation';
import { forkEngine, type ForkedEngine } from './forkEngine';

const audioDir = fileURLToPath(new URL('../../fixtures/audio/', import.meta.url));
const ready = existsSync(join(FIXTURE_MODEL_DIR, 'model.onnx')) && existsSync(join(audioDir, 'heldout.json'));

let engine: ForkedEngine | null = null;
let home = '';
afterEach(async () => {
  await engine?.stop();
  engine = null;
  if (home) await rm(home, { recursive: true, force: true });
});

describe.skipIf(!ready)('dictation through the engine contract', () => {
  it('pushed frames of a held-out sentence become a transcript event and a history entry', async () => {
    const heldout = JSON.parse(readFileSync(join(audioDir, 'heldout.json'), 'utf8')) as {
      file: string;
      text: string;
    }[];
    const sample = heldout.find((h) => h.text === 'check memory status') ?? heldout[0];
    if (!sample) throw new Error('heldout.json is empty');
    home = await mkdtemp(join(tmpdir(), 'swictation-dictation-engine-'));
    await writeFile(join(home, 'settings.json'), JSON.stringify({ speech: { outputMode: 'none' } }));
    const scenario = join(home, 'scenario.json');
    await writeFile(scenario, JSON.stringify({ models: [], settings: { intervalMs: 100 } }));
    engine = forkEngine(['--scenario', scenario], home);
    await engine.waitFor((e) => e.type === 'report');
    expect((await engine.client.call('status')).models.map((m) => m.id)).toEqual(['stt']);

    await engine.client.call('dictation.start', { source: 'push' });
    const { audio } = await readWav(join(audioDir, sample.file));
    const padded = new Float32Array(audio.length + 16_000);
    padded.set(audio);
    for (let o = 0; o < padded.length; o += 4000) {
      await engine.client.call('audio.push', { samples: padded.slice(o, o + 4000) });
    }
    const stopped = await engine.client.call('dictation.stop');
    expect(stopped.transcripts).toBe(1);
    const transcript = await engine.waitFor((e) => e.type === 'transcript');
    expect(transcript).toMatchObject({ type: 'transcript', text: sample.text });
    // Every window hears the stop (transcribing) before the end, and the input level of the pushed audio.
    await engine.waitFor((e) => e.type === 'dictation' && e.state === 'stopped');
    const states = engine.events.flatMap((e) => (e.type === 'dictation' ? [e.state] : []));
    expect(states).toEqual(['listening', 'transcribing', 'stopped']);
    const levels = engine.events.flatMap((e) => (e.type === 'input' ? [e.level] : []));
    expect(Math.max(...levels)).toBeGreaterThan(0.3);
    expect(levels.at(-1)).toBe(0);
    const history = await engine.client.call('history.list', { limit: 5 });
    expect(history.entries.map((h) => [h.text, h.model])).toEqual([[sample.text, 'tiny-ctc']]);

    // Deleting: the id is validated, a known one goes, an unknown one says so; clear empties the history.
    await expect(engine.client.call('history.delete', { id: '' })).rejects.toThrow(/id/);
    const id = history.entries[0]?.id ?? '';
    expect(await engine.client.call('history.delete', { id })).toEqual({ deleted: true });
    expect(await engine.client.call('history.delete', { id })).toEqual({ deleted: false });
    expect((await engine.client.call('history.list', { limit: 5 })).entries).toEqual([]);
    expect(await engine.client.call('history.clear')).toEqual({ cleared: true });
  });

  it('refuses pushed audio when no push dictation runs, and a second start while one runs', async () => {
    home = await mkdtemp(join(tmpdir(), 'swictation-dictation-engine-'));
    const scenario = join(home, 'scenario.json');
    await writeFile(scenario, JSON.stringify({ models: [] }));
    engine = forkEngine(['--scenario', scenario], home);
    await engine.waitFor((e) => e.type === 'report');
    await expect(engine.client.call('audio.push', { samples: [0, 0.1] })).rejects.toThrow(/no dictation/);
    await engine.client.call('dictation.start', { source: 'push' });
    await expect(engine.client.call('dictation.start', { source: 'push' })).rejects.toThrow(
      /already dictating/,
    );
    await expect(engine.client.call('audio.push', { samples: [2] })).rejects.toThrow(/samples/);
  });
});
