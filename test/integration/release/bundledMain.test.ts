/**
 * The bundled Electron main (out/app/main/index.mjs) in the layout electron-builder packages — package.json,
 * out/app, out/renderer and node_modules side by side, no TypeScript sources — started under plain Node with
 * `electron` routed to the test's stand-in. It must fork the bundled engine, point windows at the bundled
 * preload, and serve every file of the renderer over app:// with its type and the CSP: a wrong path here is
 * a dead tray or a blank window in the shipped app, which no source-level test would show.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleApp, REPO_ROOT } from '../../../build/app/bundle';
import { CONTENT_SECURITY_POLICY } from '../../../electron/main/windowPolicy';
import { ensureRendererBuilt } from '../../../electron/web/rendererBuild';
import { REPORT_MARK, type BundledMainReport } from './bundledMainReport';

const HERE = path.dirname(fileURLToPath(import.meta.url));
let stage: string;
let report: BundledMainReport;

function runChild(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const inherited = { ...process.env };
  delete inherited['NODE_OPTIONS'];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        path.join(HERE, 'electronAlias.mjs'),
        path.join(HERE, 'bundledMainChild.ts'),
        ...args,
      ],
      { cwd: REPO_ROOT, env: { ...inherited, ...env }, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
    );
  });
}

beforeAll(async () => {
  stage = await mkdtemp(path.join(tmpdir(), 'swictation-packaged-'));
  const home = path.join(stage, 'home');
  await Promise.all([
    bundleApp({ outDir: path.join(stage, 'out', 'app'), renderer: false }),
    ensureRendererBuilt(),
  ]);
  await cp(path.join(REPO_ROOT, 'out', 'renderer'), path.join(stage, 'out', 'renderer'), { recursive: true });
  await cp(path.join(REPO_ROOT, 'package.json'), path.join(stage, 'package.json'));
  await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
  const scenario = path.join(stage, 'scenario.json');
  await writeFile(
    scenario,
    JSON.stringify({
      gpu: { name: 'Simulated 8 GB', totalMiB: 8000, reservedMiB: 300 },
      settings: { intervalMs: 100 },
      models: [{ id: 'stt', role: 'stt', sizeMiB: 1500, prefer: 'gpu' }],
      steps: [{ atMs: 0, externalMiB: 1000 }],
    }),
  );
  const stdout = await runChild(
    [path.join(stage, 'out', 'app', 'main', 'index.mjs'), scenario, path.join(stage, 'out', 'renderer')],
    { SWICTATION_HOME: home },
  );
  const line = stdout.split('\n').find((l) => l.startsWith(REPORT_MARK));
  if (!line) throw new Error(`the child printed no report:\n${stdout}`);
  report = JSON.parse(line.slice(REPORT_MARK.length)) as BundledMainReport;
}, 180_000);

afterAll(async () => {
  await rm(stage, { recursive: true, force: true });
});

describe('the bundled main in the packaged layout (fake Electron, real engine)', () => {
  it('forks the bundled engine with plain Node and shows live usage in the tray', () => {
    expect(report.engineEntry).toBe(path.join(stage, 'out', 'app', 'engine', 'main.mjs'));
    expect(report.engineExecArgv).toEqual([]);
    expect(report.tooltip).toMatch(/^Swictation — GPU \d+\.\d% \(\d+ \/ 8000 MiB\) · NORMAL$/);
  });

  it('registers app:// before ready and points the popover at it, with the bundled preload', () => {
    expect(report.schemes).toHaveLength(1);
    expect(report.schemes[0]?.beforeReady).toBe(true);
    expect(report.loaded).toBe('app://swictation/index.html?view=popover');
    expect(report.preload).toBe(path.join(stage, 'out', 'app', 'preload', 'index.cjs'));
  });

  it('serves the page and every renderer file over app:// with its type and the CSP', () => {
    expect(report.page).toEqual({
      status: 200,
      type: 'text/html; charset=utf-8',
      csp: CONTENT_SECURITY_POLICY,
    });
    const scripts = report.files.filter((f) => f.file.endsWith('.js'));
    // The page's module and the capture worklet: both refused by Chromium unless typed as JavaScript.
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    for (const f of report.files) {
      expect(f, f.file).toMatchObject({ status: 200, csp: CONTENT_SECURITY_POLICY });
      expect(f.type, f.file).not.toBe('application/octet-stream');
    }
    for (const f of scripts) expect(f.type, f.file).toBe('text/javascript; charset=utf-8');
  });
});
