// Lint that enforces the architecture (see docs/ARCHITECTURE.md):
// no floating promises, no `export *`, no import cycles, no deep imports into
// another package's internals, and dependency arrows that point one way.
import tseslint from 'typescript-eslint'
import importX, { createNodeResolver } from 'eslint-plugin-import-x'

/** Which of our packages each package may import (docs/ARCHITECTURE.md, "Packages and the arrows"). */
const allowed = {
  protocol: [],
  store: ['protocol'],
  sync: ['protocol'],
  net: ['protocol', 'sync'],
  api: ['protocol'],
  node: ['protocol', 'store', 'sync', 'net', 'api'],
  ui: ['api'],
}
/**
 * Which of our packages each app's sources may import (the same table). A list
 * of names allows only those imports from that package: the CLI takes pure
 * helpers from protocol and the standalone signaling server from net, nothing
 * else of theirs. The desktop preload, which runs beside the page, imports api only.
 */
const appAllowed = {
  peer: {
    node: true,
    api: true,
    protocol: ['DEFAULT_RULES', 'requirementOf', 'verifyDossier', 'verifyPublicCensus', 'ProposalAction'],
    net: ['startSignalingServer', 'SignalingServer', 'SignalingServerOptions'],
  },
  desktop: { node: true, api: true, peer: true },
  'desktop/src/preload.ts': { api: true },
}
const all = ['protocol', 'api', 'store', 'sync', 'net', 'node', 'ui', 'peer', 'desktop', 'test']

const EXPORT_ALL = { selector: 'ExportAllDeclaration', message: 'No `export *`: name what a module exports.' }
/** import('@polity/x') is held to the same table as a static import (no-restricted-imports sees only the static ones). */
const dynamicImports = (forbidden, who) => forbidden.length === 0 ? [] : [{
  selector: `ImportExpression[source.value=/^@polity.(${forbidden.join('|')})($|[/])/]`,
  message: `${who} may not import these packages (see docs/ARCHITECTURE.md).`,
}]
/** A relative import that leaves its package; `except` is a regex of paths an app may still read. */
const crossRelative = (except) => ({
  regex: `^(?!${except ?? '$^'})(\\.\\./)*\\.\\./(\\.\\./(packages|apps)/|[^./][^/]*/src/)`,
  message: 'No relative imports across packages.',
})
/** Files of another package an app may read by path: the desktop's main process shows the UI's own translations (I18N-1). Data, not code. */
const appData = { desktop: '\\.\\./\\.\\./\\.\\./packages/ui/src/i18n/[a-z]+\\.json$' }
const deepImport = { group: ['@polity/*/*'], message: 'Import a package by its name only; its internals are private.' }

function boundary(files, self, deps, who, data) {
  const names = Object.entries(deps).filter(([, d]) => Array.isArray(d))
  const forbidden = all.filter((p) => p !== self && !(p in deps))
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', {
        paths: names.map(([p, list]) => ({
          name: `@polity/${p}`,
          allowImportNames: list,
          message: `${who} may import only ${list.join(', ')} from @polity/${p} (see docs/ARCHITECTURE.md).`,
        })),
        patterns: [
          deepImport,
          ...forbidden.map((p) => ({ group: [`@polity/${p}`], message: `${who} may not import @polity/${p} (see docs/ARCHITECTURE.md).` })),
          crossRelative(data),
        ],
      }],
      'no-restricted-syntax': ['error', EXPORT_ALL, ...dynamicImports(forbidden, who)],
    },
  }
}

const packageRules = Object.entries(allowed).map(([name, deps]) =>
  boundary([`packages/${name}/src/**/*.{ts,tsx}`], name, Object.fromEntries(deps.map((d) => [d, true])), `packages/${name}`))
const appRules = Object.entries(appAllowed).map(([name, deps]) => name.includes('/')
  ? boundary([`apps/${name}`], name.split('/')[0], deps, `apps/${name}`)
  : boundary([`apps/${name}/src/**/*.{ts,tsx}`], name, deps, `apps/${name}`, appData[name]))

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
      'no-restricted-syntax': ['error', EXPORT_ALL],
      'import-x/no-cycle': ['error', { maxDepth: 10 }],
      'no-restricted-imports': ['error', { patterns: [deepImport] }],
    },
  },
  ...packageRules,
  ...appRules,
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
