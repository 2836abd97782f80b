/**
 * The product path on a real GPU: the engine PROCESS (as Electron and the browser harness start it) with the real
 * NVML probe and the WebGPU provider, dictating over the contract while another process takes the GPU's memory.
 *
 *   bash test/device/pack.sh                                   # here
 *   source .device-bundle/bootstrap.sh && ESBUILD_BINARY_PATH=$PWD/node_modules/esbuild/bin/esbuild \
 *     node --import tsx test/device/engineCheck.ts             # there (≈1 min)
 *
 * 1. The engine loads the fixture speech model on the GPU; a held-out sentence pushed as 16 kHz frames comes back
 *    as its transcript, run on the GPU.
 * 2. ballast.py holds 97 % of the device: the engine reaches EMERGENCY and moves the model to the CPU; dictation
 *    goes on (transcribed on the CPU). The ballast ends: the model returns to the GPU after the dwell, and the
 *    next sentence runs there again.
 * 3. A model download from a loopback mirror (models.pull) and a switch to it through settings.set, on the GPU.
 * Lines are tagged [measured] or [check]; exit 0 when every check passed. Logs: $OUT/engineCheck.jsonl.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, appendFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFixtureMirror } from '../fixtures/mirrorCatalog';
import { dictateWav } from '../integration/engine/dictateWav';
import { forkEngine, type ForkedEngine } from '../integration/engine/forkEngine';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const AUDIO = join(REPO, 'test/fixtures/audio');
const OUT = process.env['OUT'] ?? null;
const DEADLINE_S = Number(process.env['ENGINECHECK_DEADLINE_S'] ?? 200);
const T0 = Date.now();
const children: ChildProcess[] = [];
const checks: { name: string; ok: boolean; detail: string }[] = [];

const say = (line: string) => console.log(`${((Date.now() - T0) / 1000).toFixed(1).padStart(6)}s ${line}`);
const measured = (label: string, value: unknown) =>
  say(`  [measured] ${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
function check(name: string, ok: boolean, detail: string): void {
  checks.push({ name, ok, detail });
  say(`  [check]    ${ok ? 'PASS' : 'FAIL'} ${name}: ${detail}`);
}

function ballastScript(): string | null {
  for (const p of [join(REPO, '.device-bundle/ballast.py'), join(REPO, '../shared/device/ballast.py')])
    if (existsSync(p)) return p;
  return null;
}

async function sentence(
  engine: ForkedEngine,
  file: string,
  text: string,
  where: 'gpu' | 'cpu',
  label: string,
) {
  const t = await dictateWav(engine, join(AUDIO, file));
  measured(
    `${label} transcript`,
    t ? { text: t.text, device: t.device, ep: t.ep, latencyMs: Math.round(t.latencyMs) } : 'none',
  );
  check(
    label,
    t?.text === text && t.device === where,
    `"${t?.text ?? ''}" on ${t?.device ?? '-'}/${t?.ep ?? '-'} (expected "${text}" on ${where})`,
  );
}

async function main(): Promise<number> {
  const ballast = ballastScript();
  if (!ballast) {
    say('engineCheck: ballast.py not found (.device-bundle/ or ../shared/device/)');
    return 2;
  }
  const home = await mkdtemp(join(tmpdir(), 'swictation-enginecheck-'));
  await writeFile(
    join(home, 'settings.json'),
    JSON.stringify({ memory: { intervalMs: 200, recoveryDwellMs: 1500 }, speech: { outputMode: 'none' } }),
  );
  // The mirror lives until the process exits: the check ends with process.exit.
  const { catalog } = await startFixtureMirror(
    [{ id: 'tiny-ctc-mirror', details: { title: 'fixture model from a loopback mirror' } }],
    join(home, 'catalog.json'),
  );
  const engine = forkEngine(['--probe', 'nvml', '--catalog', catalog], home);
  children.push(engine.child);
  engine.client.onEvent((e) => {
    if (OUT && e.type !== 'sample')
      appendFileSync(join(OUT, 'engineCheck.jsonl'), `${JSON.stringify({ t: Date.now() - T0, e })}\n`);
  });
  try {
    say('== 1. The engine process on the GPU');
    const exited = new Promise<never>((_, reject) =>
      engine.child.once('exit', (code) => reject(new Error(`the engine exited (${code ?? 'signal'})`))),
    );
    const speech = await Promise.race([engine.waitFor((e) => e.type === 'speech', 60_000), exited]);
    measured('speech', speech);
    const status = await engine.client.call('status');
    measured('status', {
      probe: status.probe,
      gpu: status.gpu?.name,
      gpus: status.gpus.map((g) => `${g.index} ${g.name} ${g.level}`),
      usage: status.usage,
      models: status.models.map((m) => `${m.id}@${m.device}${m.gpu === null ? '' : m.gpu}/${m.ep}`),
    });
    const inForce = await engine.client.call('settings.get');
    check(
      'with gpu: auto the engine watches every GPU of the machine',
      inForce.memory.gpu === 'auto' &&
        status.gpus.length >= 1 &&
        status.gpus.every((g) => g.lastSampleAtMs !== null),
      `gpu=${inForce.memory.gpu}, ${status.gpus.length} GPU(s) watched`,
    );
    check(
      'probe is NVML and the model is on the GPU',
      status.probe.kind === 'nvml' && status.models.some((m) => m.id === 'stt' && m.device === 'gpu'),
      JSON.stringify(status.models.map((m) => [m.id, m.device, m.ep])),
    );
    await sentence(engine, 'heldout-1.wav', 'check memory status', 'gpu', 'dictation on the GPU');

    say('== 2. Another process takes 97 % of the GPU for 12 s');
    const since = engine.events.length;
    const hog = spawn('python3', [ballast, '97:12'], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(hog);
    hog.stdout.on('data', (d: Buffer) => say(`  ballast: ${d.toString().trim()}`));
    const off = await engine.waitFor(
      (e) => e.type === 'placement' && e.to === 'cpu' && engine.events.indexOf(e) >= since,
      60_000,
    );
    const levels = engine.events
      .slice(since)
      .flatMap((e) => (e.type === 'level' ? [`${e.to}@${(e.usage * 100).toFixed(1)}%`] : []));
    measured('levels', levels.join(' → '));
    measured('offload', off);
    // Issue 9: what each action freed (NVML's per-process figure) and the EMERGENCY reading → release time.
    const actions = engine.events.slice(since).flatMap((e) => (e.type === 'action' ? [e] : []));
    measured(
      'actions [name, level, ms, freedMiB, heapFreedMiB]',
      actions.map((a) => [a.name, a.level, Math.round(a.ms), a.freedMiB, a.heapFreedMiB ?? null]),
    );
    const evacuation = actions.find((a) => a.name === 'offload');
    check(
      'EMERGENCY reading → GPU session released within 150 ms',
      evacuation !== undefined && evacuation.ms <= 150,
      evacuation ? `${Math.round(evacuation.ms)} ms` : 'no offload action',
    );
    check(
      'the offload says what it freed, from NVML’s per-process list',
      typeof evacuation?.freedMiB === 'number' && evacuation.freedMiB > 0,
      `freedMiB ${String(evacuation?.freedMiB)}`,
    );
    check(
      'EMERGENCY moved the model to the CPU',
      levels.some((l) => l.startsWith('EMERGENCY')) && off.type === 'placement',
      levels.join(' → '),
    );
    await sentence(
      engine,
      'heldout-2.wav',
      'hello world',
      'cpu',
      'dictation during the pressure (on the CPU)',
    );
    const back = await engine.waitFor(
      (e) =>
        e.type === 'placement' && e.to === 'gpu' && engine.events.indexOf(e) > engine.events.indexOf(off),
      60_000,
    );
    measured('restore', back);
    check(
      'the model returned to the GPU when memory freed',
      back.type === 'placement' && back.to === 'gpu',
      back.type === 'placement' ? back.reason : '',
    );
    await sentence(
      engine,
      'heldout-3.wav',
      'open new file',
      'gpu',
      'dictation after the restore (on the GPU)',
    );

    say('== 3. Download a model from a mirror and switch to it');
    await engine.client.call('models.pull', { id: 'tiny-ctc-mirror' });
    const done = await engine.waitFor(
      (e) => e.type === 'download' && e.state !== 'started' && e.state !== 'progress',
      30_000,
    );
    check('download finished', done.type === 'download' && done.state === 'done', JSON.stringify(done));
    const settings = await engine.client.call('settings.get');
    await engine.client.call('settings.set', {
      settings: { ...settings, speech: { ...settings.speech, model: 'tiny-ctc-mirror' } },
    });
    const listing = await engine.client.call('models.list');
    measured('active model', listing.active);
    check(
      'switched without a restart',
      listing.active?.id === 'tiny-ctc-mirror',
      JSON.stringify(listing.active),
    );
    await sentence(
      engine,
      'heldout-1.wav',
      'check memory status',
      'gpu',
      'dictation with the switched model (on the GPU)',
    );
  } finally {
    await engine.stop();
  }
  say('== Summary');
  for (const c of checks) say(`  ${c.ok ? 'PASS' : 'FAIL'} ${c.name}`);
  const failed = checks.filter((c) => !c.ok).length;
  say(`engineCheck: ${checks.length} checks, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

const watchdog = setTimeout(() => {
  say(`engineCheck: deadline of ${DEADLINE_S} s passed`);
  for (const c of children) c.kill('SIGKILL');
  process.exit(137);
}, DEADLINE_S * 1000);
main().then(
  (code) => {
    clearTimeout(watchdog);
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    process.exit(code);
  },
  (error: unknown) => {
    say(`engineCheck: crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    for (const c of children) c.kill('SIGKILL');
    process.exit(1);
  },
);
