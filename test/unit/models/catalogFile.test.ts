import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCatalogFile } from '../../../electron/engine/models/catalogFile';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'swictation-catalog-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('readCatalogFile', () => {
  it('a FIFO or a device given as --catalog is refused at once with the reason, never waited on', async () => {
    const fifo = path.join(dir, 'catalog.json');
    execFileSync('mkfifo', [fifo]);
    const outcome = (file: string) =>
      Promise.race([
        readCatalogFile(file).then(
          () => 'read',
          (e: unknown) => String(e),
        ),
        new Promise<string>((resolve) => setTimeout(() => resolve('still blocked after 2 s'), 2000)),
      ]);
    expect(await outcome(fifo)).toMatch(/catalog .*catalog\.json: .*is a FIFO, not a file/);
    expect(await outcome('/dev/zero')).toMatch(/catalog \/dev\/zero: .*is a device, not a file/);
  });
});
