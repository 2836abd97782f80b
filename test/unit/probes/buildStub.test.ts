import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildNvmlStub } from '../../fixtures/nvml-stub/buildStub';

const savedCc = process.env['CC'];
const dirs: string[] = [];

afterEach(() => {
  if (savedCc === undefined) delete process.env['CC'];
  else process.env['CC'] = savedCc;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('buildNvmlStub', () => {
  it('says plainly when there is no C compiler', async () => {
    process.env['CC'] = 'no-such-gcc-for-this-test';
    const dir = mkdtempSync(join(tmpdir(), 'stub-nocc-'));
    dirs.push(dir);
    await expect(buildNvmlStub(join(dir, 'out'))).rejects.toThrow(
      /C compiler "no-such-gcc-for-this-test" not found on PATH; install gcc/,
    );
  });
});
