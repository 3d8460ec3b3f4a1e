// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Layer boundaries of ARCHITECTURE.md: pure math and engine never see the UI, the UI never sees tfjs. */
const uiPackages = [
  'react',
  'react-dom',
  'react-dom/*',
  'zustand',
  'zustand/*',
  'plotly.js*',
  'katex',
];
const restrict = (/** @type {string[]} */ groups, /** @type {string} */ message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: groups, message }] }],
});

// In a flat config the last block that matches a file sets its no-restricted-imports: the blocks
// go from the widest folders to the narrowest (ml/ last), each listing everything it forbids.
export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'test/vectors/',
      'test/vectors-extra/',
      'public/',
      'coverage/',
      '.tmp/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['src/ml/**', 'src/data/**', 'src/models/**', 'src/engine/**'],
    rules: restrict(
      [
        ...uiPackages,
        '**/components/**',
        '**/state/**',
        '**/plots/**',
        '**/worker/**',
        '**/cli/**',
      ],
      'ml/, data/, models/ and engine/ are UI-free: no React, zustand, Plotly or UI layers here.',
    ),
  },
  {
    // The validation suite is a Node program over the engine (and the Node data loaders of cli/).
    files: ['src/validation/**'],
    rules: restrict(
      [...uiPackages, '**/components/**', '**/state/**', '**/plots/**', '**/worker/**'],
      'validation/ drives the engine in Node: no UI layers here.',
    ),
  },
  {
    // The engine is driven from the worker (browser) and from cli/ and validation/ (Node) only.
    files: [
      'src/ml/**',
      'src/data/**',
      'src/models/**',
      'src/contracts/**',
      'src/presets/**',
      'src/scenes/**',
    ],
    rules: restrict(
      [
        ...uiPackages,
        '**/engine/**',
        '**/components/**',
        '**/state/**',
        '**/plots/**',
        '**/worker/**',
        '**/cli/**',
      ],
      'Only worker/, cli/ and validation/ drive the engine; lower layers never import it.',
    ),
  },
  {
    // The PyTorch export builds files from plain data: the CLI and the page both use it.
    files: ['src/export/**'],
    rules: restrict(
      [
        ...uiPackages,
        '@tensorflow/*',
        '**/engine/**',
        '**/components/**',
        '**/state/**',
        '**/plots/**',
        '**/worker/**',
        '**/cli/**',
        'node:*',
      ],
      'export/ turns plain data into files for Node and the browser: no TF.js, engine, UI or Node APIs.',
    ),
  },
  {
    files: ['src/ml/**'],
    rules: restrict(
      [
        ...uiPackages,
        '**/engine/**',
        '**/models/**',
        '**/data/**',
        '**/components/**',
        '**/state/**',
        '**/plots/**',
        '**/worker/**',
        '**/cli/**',
        'node:*',
        'fs',
        'path',
        // Backend-agnostic: the core only, never the umbrella package or a backend.
        '@tensorflow/tfjs',
        '@tensorflow/tfjs-backend-*',
        '@tensorflow/tfjs-node*',
      ],
      'ml/ is pure, backend-agnostic math: @tensorflow/tfjs-core and local helpers only.',
    ),
  },
  {
    files: ['src/components/**', 'src/plots/**', 'src/state/**'],
    rules: restrict(
      ['@tensorflow/*', '**/engine/**', '**/ml/losses/registry*', '**/ml/losses/family*'],
      'The UI layers never touch tfjs or the engine: talk to the worker through state/ and worker/client.',
    ),
  },
);
