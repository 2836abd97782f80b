import type { Browser } from 'playwright-core';
import { ensureRendererBuilt } from '../../../electron/web/rendererBuild';
import { startHarness, type Harness, type HarnessOptions } from '../../../electron/web/server';
import { launchChromium, type Cleanup } from './browser';

export interface HarnessedBrowser {
  browser: Browser;
  harness: Harness;
}

/**
 * Debian's Chromium and the harness (the built renderer bridged to a real engine), started side by side
 * since neither waits on the other. Each goes into `cleanup` the moment it is up, so a start that fails
 * halfway still releases the half that started, and the suite's own resources release in the same pass.
 */
export async function openHarnessedBrowser(
  cleanup: Cleanup,
  harnessOptions: HarnessOptions,
  chromiumArgs: string[] = [],
): Promise<HarnessedBrowser> {
  await ensureRendererBuilt();
  const [browser, harness] = await Promise.all([
    launchChromium(chromiumArgs).then((b) => cleanup.add(b, (x) => x.close())),
    startHarness(harnessOptions).then((h) => cleanup.add(h, (x) => x.stop())),
  ]);
  return { browser, harness };
}
