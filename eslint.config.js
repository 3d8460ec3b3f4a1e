// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * Layer boundaries (docs/ARCHITECTURE.md lists them; test/unit/architecture.test.ts checks that the
 * list and these blocks agree): pure math and the engine never see the UI, the UI never sees tfjs,
 * the engine or the worker, and no library folder reaches into the Node entry points of cli/.
 */
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
    // Every folder but cli/ is a library: cli/ holds the Node entry points, which nothing imports.
    files: ['src/**'],
    ignores: ['src/cli/**'],
    rules: restrict(['**/cli/**'], 'cli/ holds entry points: no library folder imports it.'),
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
    // The validation suite is a Node program over the engine (its data through engine/trainingData).
    files: ['src/validation/**'],
    rules: restrict(
      [
        ...uiPackages,
        '**/components/**',
        '**/state/**',
        '**/plots/**',
        '**/worker/**',
        '**/cli/**',
      ],
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
    // The page's layers share one vocabulary with the worker and the data: contracts/. The worker's
    // client and the data loaders are wired in by main.tsx, never imported here.
    files: ['src/components/**', 'src/plots/**', 'src/state/**'],
    rules: restrict(
      [
        '@tensorflow/*',
        '**/engine/**',
        '**/worker/**',
        '**/data',
        '**/data/**',
        '**/models/**',
        '**/validation/**',
        '**/cli/**',
        '**/ml/losses/registry*',
        '**/ml/losses/implement*',
        '**/ml/losses/implementations/**',
      ],
      'The UI layers import contracts/, not tfjs, the engine, the worker or the data loaders.',
    ),
  },
);
