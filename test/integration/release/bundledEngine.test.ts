/**
 * The bundle runs without tsx: build/app/bundle.ts builds out/app into a folder at the same depth, then the
 * bundled engine is forked with plain `node` (no loader, no --import) and spoken to over the contract.
 * A simulated scenario with speech on checks the fixture model and onnxruntime load from the bundle; the
 * NVML stub (real koffi, real monitor worker bundled as monitorWorker.js, real probe model) checks the
 * worker thread and the native packages it loads.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleApp, REPO_ROOT, type BundleResult } from '../../../build/app/bundle';
import { EngineClient } from '../../../shared/engineClient';
import type { EngineEvent } from '../../../shared/engineEvents';
import { buildNvmlStub } from '../../fixtures/nvml-stub/buildStub';

const MIB = 1024 * 1024;
let bundle: BundleResult;
let work: string;
let stubDir: string;
const running: ChildProcess[] = [];

beforeAll(async () => {
  // Two folders below the app root, like out/app: node_modules and the fixture model resolve as in out/app.
  const outDir = path.join(REPO_ROOT, 'out', `app-test-${process.pid}`);
  work = await mkdtemp(path.join(tmpdir(), 'swictation-bundle-'));
  [bundle, { libPath: stubDir }] = await Promise.all([
    bundleApp({ outDir, renderer: false }),
    buildNvmlStub(path.join(work, 'stub')).then((b) => ({ libPath: path.dirname(b.libPath) })),
  ]);
});

afterAll(async () => {
  await rm(bundle.outDir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

afterEach(async () => {
  for (const child of running.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
});

interface Started {
  client: EngineClient;
  events: EngineEvent[];
  waitFor: (pred: (e: EngineEvent) => boolean, what: string) => Promise<EngineEvent>;
  child: ChildProcess;
}

function startBundledEngine(args: string[], home: string, env: NodeJS.ProcessEnv = {}): Started {
  // No loader may reach the engine: only what the bundle holds and node_modules.
  const inherited = { ...process.env };
  delete inherited['NODE_OPTIONS'];
  const child = fork(bundle.engine, args, {
    execPath: process.execPath,
    execArgv: [],
    env: { ...inherited, ...env, SWICTATION_HOME: home },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  running.push(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const client = new EngineClient({
    post: (m) => child.send(m as object),
    onMessage: (h) => {
      child.on('message', h);
      return () => child.off('message', h);
    },
  });
  const events: EngineEvent[] = [];
  client.onEvent((e) => events.push(e));
  const waitFor = async (pred: (e: EngineEvent) => boolean, what: string) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const found = events.find(pred);
      if (found) return found;
      if (child.exitCode !== null)
        throw new Error(`engine exited (${child.exitCode}) before ${what}: ${stderr}`);
      if (Date.now() > deadline)
        throw new Error(`no ${what}; events: ${events.map((e) => e.type).join(',')}; stderr: ${stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return { client, events, waitFor, child };
}

async function homeWith(settings: object): Promise<string> {
  const home = await mkdtemp(path.join(work, 'home-'));
  await writeFile(path.join(home, 'settings.json'), JSON.stringify(settings));
  return home;
}

describe('the bundled engine under plain node', () => {
  it('a simulated scenario: answers ping and status, loads the fixture model, streams samples and levels', async () => {
    const home = await homeWith({ speech: { outputMode: 'none' } });
    const scenario = path.join(home, 'scenario.json');
    await writeFile(
      scenario,
      JSON.stringify({
        gpu: { name: 'Simulated 8 GB', totalMiB: 8000, reservedMiB: 300 },
        settings: { intervalMs: 50 },
        models: [],
        steps: [
          { atMs: 0, externalMiB: 1000 },
          { atMs: 300, externalMiB: 6600 },
        ],
      }),
    );
    const e = startBundledEngine(['--scenario', scenario], home);
    await e.waitFor((ev) => ev.type === 'report', 'report');
    const pong = await e.client.call('ping');
    expect(pong.pid).toBe(e.child.pid);
    await e.waitFor((ev) => ev.type === 'level' && ev.to === 'WARNING', 'a WARNING level');
    expect(e.events.filter((ev) => ev.type === 'sample').length).toBeGreaterThan(2);
    const status = await e.client.call('status');
    expect(status.level).not.toBe('NORMAL');
    // The speech model loaded from the bundle's path to the fixture model, through onnxruntime-node.
    expect(status.models.map((m) => m.id)).toEqual(['stt']);
    expect(e.events.some((ev) => ev.type === 'failure')).toBe(false);
  });

  it('a real probe: the bundled monitor worker samples the NVML stub through koffi', async () => {
    const home = await homeWith({ memory: { intervalMs: 100 } });
    const config = path.join(home, 'stub.conf');
    await writeFile(
      config,
      [
        `dev0.total=${8000 * MIB}`,
        `dev0.free=${1000 * MIB}`,
        `dev0.used=${6700 * MIB}`,
        `dev0.reserved=${300 * MIB}`,
      ].join('\n'),
    );
    const e = startBundledEngine(['--probe', 'nvml', '--speech', 'off'], home, {
      LD_LIBRARY_PATH: stubDir,
      NVML_STUB_CONFIG: config,
    });
    await e.waitFor((ev) => ev.type === 'report', 'report');
    expect((await e.client.call('ping')).pid).toBe(e.child.pid);
    const level = await e.waitFor((ev) => ev.type === 'level', 'a level event');
    expect(level).toMatchObject({ type: 'level', from: 'NORMAL', to: 'WARNING' });
    await e.waitFor(
      (ev) => ev.type === 'sample' && e.events.filter((x) => x.type === 'sample').length >= 3,
      'three samples',
    );
    const status = await e.client.call('status');
    expect(status).toMatchObject({
      level: 'WARNING',
      totalMiB: 8000,
      freeMiB: 1000,
      probe: { kind: 'nvml' },
    });
  });
});
