import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { _electron, type ElectronApplication } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, buildMainAndPreload } from './buildApp';

/**
 * The real Electron app end to end (playwright-core's _electron). It runs only where an Electron
 * binary exists; elsewhere it skips and prints why. The binary's path is worked out the way the
 * `electron` package does, without `require('electron')`: that call downloads the binary when it
 * is missing (electron ≥ 42 fetches it on first use), which hangs or fails on offline machines.
 */
function findElectron(): { path: string } | { reason: string } {
  const require = createRequire(import.meta.url);
  let pkgDir: string;
  try {
    pkgDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH'];
  if (override) {
    const candidate = join(override, relative ?? 'electron');
    return existsSync(candidate)
      ? { path: candidate }
      : { reason: `${candidate} (ELECTRON_OVERRIDE_DIST_PATH) does not exist` };
  }
  if (!relative) return { reason: `${pathFile} is missing: the binary was never downloaded` };
  const candidate = join(pkgDir, 'dist', relative);
  return existsSync(candidate) ? { path: candidate } : { reason: `${candidate} does not exist` };
}

const RENDERER_INDEX = join(ROOT, 'out', 'renderer', 'index.html');

function skipReason(): string | null {
  const electron = findElectron();
  if ('reason' in electron) return `no Electron binary: ${electron.reason}`;
  if (!existsSync(RENDERER_INDEX)) return `the renderer is not built (${RENDERER_INDEX} is missing)`;
  return null;
}

const reason = skipReason();
if (reason) process.stdout.write(`test/e2e/electron.test.ts skipped — ${reason}\n`);

const scenario = {
  gpu: { name: 'Simulated 8 GB', totalMiB: 8000, reservedMiB: 300 },
  settings: { intervalMs: 100, recoveryDwellMs: 500 },
  models: [{ id: 'stt', role: 'stt', sizeMiB: 1500, prefer: 'gpu' }],
  steps: [{ atMs: 0, externalMiB: 1000 }],
};

let app: ElectronApplication | null = null;
let home: string | null = null;

afterAll(async () => {
  await app?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('the Electron app', () => {
  it.skipIf(reason !== null)(
    `starts, shows the popover with live engine data, and keeps its windows locked down${reason ? ` (skipped: ${reason})` : ''}`,
    async () => {
      const electron = findElectron();
      if ('reason' in electron) throw new Error(electron.reason);
      const { main } = await buildMainAndPreload();
      home = await mkdtemp(join(tmpdir(), 'swictation-e2e-'));
      const scenarioFile = join(home, 'scenario.json');
      await writeFile(scenarioFile, JSON.stringify(scenario));
      app = await _electron.launch({
        executablePath: electron.path,
        args: [main, '--open', '--scenario', scenarioFile, '--speech', 'off'],
        env: { ...process.env, SWICTATION_HOME: home },
        timeout: 60_000,
      });
      const page = await app.firstWindow();

      // Live data over the brokered engine port.
      await page.getByTestId('level-badge').waitFor({ timeout: 30_000 });
      await expect
        .poll(() => page.getByTestId('gauge-mib').textContent(), { timeout: 30_000 })
        .toMatch(/\/ 8000 MiB/);

      // The preload exposes exactly the named API; no Node in the page; no new windows.
      const page_ = await page.evaluate(() => ({
        keys: Object.keys((window as unknown as { swictation: object }).swictation).sort(),
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        opened: window.open('https://example.com/') === null,
        origin: window.location.origin,
      }));
      expect(page_).toEqual({
        keys: ['confirmUnverifiedModel', 'platform', 'requestEnginePort'],
        require: 'undefined',
        process: 'undefined',
        opened: true,
        // A standard app:// scheme: a real origin, not file://'s opaque one.
        origin: 'app://swictation',
      });

      // Every window of ours is sandboxed (webPreferences are unit-tested; this is the running app).
      const windows = await app.evaluate(({ BrowserWindow }) =>
        BrowserWindow.getAllWindows().map((w) => w.webContents.getURL()),
      );
      expect(windows.length).toBeGreaterThan(0);
      for (const url of windows) expect(url).toMatch(/^app:\/\/swictation\/index\.html\?view=/);

      // Navigation away from our page is refused.
      const before = page.url();
      await page.evaluate(() => {
        window.location.href = 'https://example.com/';
      });
      await page.waitForTimeout(500);
      expect(page.url()).toBe(before);
    },
    120_000,
  );
});
