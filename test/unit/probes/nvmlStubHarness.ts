// Shared by the probe tests: builds the NVML stub once per test file and drives it through its config file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import koffi from 'koffi';
import { buildNvmlStub, type NvmlStubBuild } from '../../fixtures/nvml-stub/buildStub';

export const MIB = 1024 * 1024;

export interface StubCounters {
  /** How many times the stub's `name` function was called since the library was loaded. */
  calls(name: string): number;
  /** nvmlInit_v2 minus nvmlShutdown: 0 when every opener has shut NVML down. */
  initRefs(): number;
}

export interface NvmlStubHarness extends NvmlStubBuild {
  dir: string;
  configure(settings: Record<string, string | number>): void;
  counters(libPath: string): StubCounters;
  dispose(): void;
}

export async function createStubHarness(): Promise<NvmlStubHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'nvml-stub-'));
  const build = await buildNvmlStub(dir);
  const configPath = join(dir, 'stub.conf');
  process.env['NVML_STUB_CONFIG'] = configPath;
  return {
    ...build,
    dir,
    configure(settings) {
      const lines = Object.entries(settings).map(([key, value]) => `${key}=${value}`);
      writeFileSync(configPath, `${lines.join('\n')}\n`);
    },
    counters(libPath) {
      // dlopen hands back the instance the probe loaded, so these read the probe's own call counts.
      const lib = koffi.load(libPath);
      const calls = lib.func('long nvmlStub_calls(const char *name)') as (name: string) => number;
      const initRefs = lib.func('int nvmlStub_initRefs(void)') as () => number;
      return { calls, initRefs };
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
