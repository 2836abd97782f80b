// One lint config for the whole repository. The import-boundary rules encode DESIGN.md's layering:
// shared/ is runtime-neutral, the engine never sees electron, the renderer never sees node or electron.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = { group: ['node:*'], message: 'shared/ and renderer/ must not import Node built-ins.' };
const electronOnly = {
  name: 'electron',
  message: 'Only electron/main and electron/preload may import electron.',
};
const upperLayers = (layers) => ({
  group: layers,
  message: 'A lower layer must not import an upper one (shared < engine < main/preload/renderer).',
});

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'out/**', 'bench/results/**', '.device-bundle/**', 'test/fixtures/**/*.js'],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: new URL('..', import.meta.url).pathname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [nodeBuiltins, upperLayers(['**/electron/**', '**/renderer/**'])],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require', 'window', 'document'],
    },
  },
  {
    files: ['electron/engine/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [upperLayers(['**/main/**', '**/web/**', '**/preload/**', '**/renderer/**'])],
        },
      ],
    },
  },
  {
    // The window served to a browser (dev:web, `npm start` without an Electron binary): Node, never electron.
    files: ['electron/web/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [electronOnly], patterns: [upperLayers(['**/preload/**', '**/renderer/**'])] },
      ],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [electronOnly], patterns: [nodeBuiltins, upperLayers(['**/electron/**'])] },
      ],
    },
  },
);
