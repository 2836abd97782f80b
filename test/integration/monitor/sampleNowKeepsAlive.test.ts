import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildNvmlStub } from '../../fixtures/nvml-stub/buildStub';

const SCRIPT = fileURLToPath(new URL('./scripts/awaitOneSample.ts', import.meta.url));
const MIB = 1024 * 1024;
let dir = '';
afterAll(() => rm(dir, { recursive: true, force: true }));

// The sampling thread is unref'd so it never keeps a finished process alive; but a process whose only pending
// work is awaiting sampleNow() must not exit before the reading comes (the engine does exactly that when it
// measures a model's VRAM during its first GPU load, before it serves requests).
describe('GpuMonitor.sampleNow', () => {
  it('keeps the process alive until the reading arrives', async () => {
    dir = await mkdtemp(join(tmpdir(), 'swictation-keepalive-'));
    const { libPath } = await buildNvmlStub(dir);
    const config = join(dir, 'stub.conf');
    await writeFile(config, [`dev0.total=${8000 * MIB}`, `dev0.free=${2000 * MIB}`].join('\n'));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', SCRIPT, libPath], {
      env: { ...process.env, NVML_STUB_CONFIG: config },
      timeout: 30_000,
    });
    expect(stdout).toBe('sample 8000\n');
  });
});
