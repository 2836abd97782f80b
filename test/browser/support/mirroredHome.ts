import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startFixtureMirror, type MirroredModel } from '../../fixtures/mirrorCatalog';
import { chromiumMissing, type Cleanup, ROOT } from './browser';
import { openHarnessedBrowser, type HarnessedBrowser } from './harnessedBrowser';

/** Why a model-download browser test cannot run here (no Chromium, fixture model not built), or null. */
export const mirroredHomeMissing: string | null =
  chromiumMissing ??
  (existsSync(path.join(ROOT, 'test/fixtures/models/tiny-ctc/model.onnx'))
    ? null
    : 'the fixture model is not built');

/** A steady simulated GPU with no models of its own, `externalMiB` taken by other programs. */
export interface SteadyGpu {
  name: string;
  totalMiB: number;
  externalMiB: number;
}

/**
 * Chromium and the harness on a fresh home whose catalog (the engine's --catalog) is a loopback mirror
 * serving the fixture model under `models`' ids, never the network, on a simulated `gpu`. Speech is on, so
 * the speech model is the engine's real one; output 'none', so a test never types into the focused window.
 * The home, the mirror, the browser and the harness all go into `cleanup`.
 */
export async function openMirroredHome(
  cleanup: Cleanup,
  tmpPrefix: string,
  models: readonly MirroredModel[],
  gpu: SteadyGpu,
): Promise<HarnessedBrowser> {
  const home = cleanup.add(await mkdtemp(path.join(os.tmpdir(), tmpPrefix)), (d) =>
    rm(d, { recursive: true, force: true }),
  );
  const mirror = await startFixtureMirror(models, path.join(home, 'catalog.json'));
  cleanup.add(mirror.server, (s) => s.close());
  const scenario = path.join(home, 'scenario.json');
  await writeFile(
    scenario,
    JSON.stringify({
      gpu: { name: gpu.name, totalMiB: gpu.totalMiB, reservedMiB: 300 },
      settings: { intervalMs: 100, recoveryDwellMs: 500 },
      models: [],
      steps: [{ atMs: 0, externalMiB: gpu.externalMiB }],
      durationMs: 600_000,
    }),
  );
  return openHarnessedBrowser(cleanup, {
    scenario,
    speech: true,
    catalog: mirror.catalog,
    home,
    settings: { speech: { outputMode: 'none' } },
  });
}
