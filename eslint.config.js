// Lint that enforces the architecture (see docs/ARCHITECTURE.md):
// no floating promises, no `export *`, no import cycles, no deep imports into
// another package's internals, and dependency arrows that point one way.
import tseslint from 'typescript-eslint'
import importX, { createNodeResolver } from 'eslint-plugin-import-x'

/** Which of our packages each package may import (DESIGN.md section 3). */
const allowed = {
  protocol: [],
  store: ['protocol'],
  sync: ['protocol'],
  net: ['protocol', 'sync'],
  api: ['protocol'],
  node: ['protocol', 'store', 'sync', 'net', 'api'],
  ui: ['api'],
}
const all = ['protocol', 'api', 'store', 'sync', 'net', 'node', 'ui', 'peer', 'desktop', 'test']

const packageRules = Object.entries(allowed).map(([name, deps]) => ({
  files: [`packages/${name}/src/**/*.{ts,tsx}`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        { group: ['@polity/*/*'], message: 'Import a package by its name only; its internals are private.' },
        ...all.filter((p) => p !== name && !deps.includes(p)).map((p) => ({
          group: [`@polity/${p}`],
          message: `packages/${name} may not import @polity/${p} (see docs/ARCHITECTURE.md).`,
        })),
        { group: ['../../*/src/*', '../../../packages/*'], message: 'No relative imports across packages.' },
      ],
    }],
  },
}))

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/dist-*/**', 'test/bench/results/**', '**/*.config.*', 'eslint.config.js'] },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [tseslint.configs.base],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs'] })],
    },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      'no-restricted-syntax': ['error',
        { selector: 'ExportAllDeclaration', message: 'No `export *`: name what a module exports.' },
      ],
      'import-x/no-cycle': ['error', { maxDepth: 10 }],
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['@polity/*/*'], message: 'Import a package by its name only; its internals are private.' }],
      }],
    },
  },
  ...packageRules,
  {
    // Tests must be able to fail.
    files: ['**/test/**/*.ts', 'test/**/*.ts'],
    rules: {
      'no-restricted-properties': ['error',
        { object: 'it', property: 'only' }, { object: 'it', property: 'skip' },
        { object: 'describe', property: 'only' }, { object: 'describe', property: 'skip' },
        { object: 'test', property: 'only' }, { object: 'test', property: 'skip' },
      ],
    },
  },
)
