import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canDownloadElectron, findElectronBinary } from '../../../electron/web/electronBinary';

// How `npm start` decides between the tray app and the browser window, on real folders laid out as the
// electron package lays itself out (path.txt names the executable inside dist/).

let pkg: string;
beforeEach(async () => {
  pkg = await mkdtemp(path.join(os.tmpdir(), 'swictation-electron-pkg-'));
});
afterEach(() => rm(pkg, { recursive: true, force: true }));

async function put(file: string, text = ''): Promise<string> {
  const full = path.join(pkg, file);
  await mkdir(path.dirname(full), { recursive: true });
  await writeFile(full, text);
  return full;
}

describe('findElectronBinary', () => {
  it('is null when the download never happened (no path.txt, no dist/)', () => {
    expect(findElectronBinary(pkg, {}, 'linux')).toBeNull();
  });

  it('finds the executable path.txt names inside dist/', async () => {
    await put('path.txt', 'electron');
    expect(findElectronBinary(pkg, {}, 'linux')).toBeNull();
    const binary = await put('dist/electron');
    expect(findElectronBinary(pkg, {}, 'linux')).toBe(binary);
  });

  it("uses the platform's default name when path.txt is missing", async () => {
    const mac = await put('dist/Electron.app/Contents/MacOS/Electron');
    expect(findElectronBinary(pkg, {}, 'darwin')).toBe(mac);
    expect(findElectronBinary(pkg, {}, 'win32')).toBeNull();
  });

  it('looks only in $ELECTRON_OVERRIDE_DIST_PATH when it is set', async () => {
    await put('dist/electron');
    const own = path.join(pkg, 'own-dist');
    expect(findElectronBinary(pkg, { ELECTRON_OVERRIDE_DIST_PATH: own }, 'linux')).toBeNull();
    const binary = await put('own-dist/electron');
    expect(findElectronBinary(pkg, { ELECTRON_OVERRIDE_DIST_PATH: own }, 'linux')).toBe(binary);
  });
});

describe('canDownloadElectron', () => {
  it("needs the package's install script, and neither an own dist folder nor downloads turned off", async () => {
    expect(canDownloadElectron(pkg, {})).toBe(false);
    await put('install.js');
    expect(canDownloadElectron(pkg, {})).toBe(true);
    expect(canDownloadElectron(pkg, { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' })).toBe(false);
    expect(canDownloadElectron(pkg, { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' })).toBe(false);
  });
});
