// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The house's arrows: webview-ui / webview-plan / webview-form -> shared <- extension -> pool.
 * Enforced here with no-restricted-imports per folder; do not relax these to make a change pass.
 */
const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'net', 'tls', 'child_process', 'crypto', 'stream', 'events'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test-results/**', '.e2e/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/pool/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/pool is a plain Node library: it never imports vscode.' }],
        patterns: [
          { group: ['**/extension', '**/extension/**', '**/webview-ui', '**/webview-ui/**', '**/webview-plan', '**/webview-plan/**', '**/webview-form', '**/webview-form/**', '**/shared', '**/shared/**'],
            message: 'src/pool depends on nothing of the extension, the webview or shared.' },
        ],
      }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/shared is imported by the webview: no vscode.' }],
        patterns: [
          { group: ['**/pool', '**/pool/**', '**/extension', '**/extension/**', '**/webview-ui/**', '**/webview-plan/**', '**/webview-form/**', 'pg', 'pg-cursor', 'ssh2', ...nodeBuiltins],
            message: 'src/shared holds plain types shared by host and webview; it imports nothing else.' },
        ],
      }],
    },
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['pg', 'pg-cursor', 'pg-copy-streams', 'ssh2'].map((name) => ({
          name,
          message: 'src/pool owns every wire: the host reaches PostgreSQL and SSH only through src/pool/index.ts.',
        })),
        patterns: [
          { group: ['**/webview-ui', '**/webview-ui/**', '**/webview-plan', '**/webview-plan/**', '**/webview-form', '**/webview-form/**'], message: 'The host talks to the webview only by postMessage (src/shared/protocol.ts).' },
          { group: ['**/pool/*', '!**/pool/index'], message: 'src/extension imports src/pool only through src/pool/index.ts (the sealed pool).' },
        ],
      }],
    },
  },
  {
    files: ['webview-plan/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The webview has no vscode module: use acquireVsCodeApi and src/shared/plan-protocol.ts.' }],
        patterns: [
          { group: ['**/src/pool', '**/src/pool/**', '**/src/extension', '**/src/extension/**', '**/webview-ui', '**/webview-ui/**', '**/webview-form', '**/webview-form/**', 'pg', 'pg-cursor', 'ssh2', ...nodeBuiltins],
            message: 'webview-plan imports only src/shared (and browser packages).' },
        ],
      }],
    },
  },
  {
    files: ['webview-ui/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The webview has no vscode module: use acquireVsCodeApi and src/shared/protocol.ts.' }],
        patterns: [
          { group: ['**/src/pool', '**/src/pool/**', '**/src/extension', '**/src/extension/**', '**/webview-plan', '**/webview-plan/**', '**/webview-form', '**/webview-form/**', 'pg', 'pg-cursor', 'ssh2', ...nodeBuiltins],
            message: 'webview-ui imports only src/shared (and browser packages).' },
        ],
      }],
    },
  },
  {
    files: ['webview-form/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The webview has no vscode module: use acquireVsCodeApi and src/shared/connection-form.ts.' }],
        patterns: [
          { group: ['**/src/pool', '**/src/pool/**', '**/src/extension', '**/src/extension/**', '**/webview-ui', '**/webview-ui/**', '**/webview-plan', '**/webview-plan/**', 'pg', 'pg-cursor', 'ssh2', ...nodeBuiltins],
            message: 'webview-form imports only src/shared (and browser packages).' },
        ],
      }],
    },
  },
);
