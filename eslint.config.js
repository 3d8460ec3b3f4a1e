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

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test/vectors/', 'public/', 'coverage/'] },
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
      ],
      'ml/ is pure, backend-agnostic math: tfjs and local helpers only.',
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
