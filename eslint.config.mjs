import js from '@eslint/js'
import globals from 'globals'
import reactHooks from 'eslint-plugin-react-hooks'
import tseslint from 'typescript-eslint'

// Layering, after VS Code's code-layering rule: a file's folder says what it may touch.
const nodeBuiltins = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises', 'http',
  'https', 'net', 'os', 'path', 'process', 'readline', 'stream', 'timers', 'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib'
]
const noNode = [{ group: ['node:*'], message: 'src/shared, src/renderer and src/preload run without Node: no node: imports.' }]
// Bare built-in names go in `paths` (exact match), so that './events' stays allowed.
const noNodePaths = nodeBuiltins.map((name) => ({ name, message: `"${name}" is a Node built-in; not allowed here.` }))
const noElectron = { group: ['electron', 'electron/*'], message: 'Only src/main and src/preload may import electron.' }
// What engine code may not import. Blocks that forbid more extend it: for one file, a later
// block's no-restricted-imports replaces an earlier one's rather than adding to it.
const engineImports = (patterns = [], paths = []) => [
  'error',
  {
    patterns: [
      { group: ['electron'], message: 'Engine code runs in service processes, without Electron.' },
      { group: ['**/store/**', '**/api/**', '**/host/**'], message: 'Engine code is pure: no store, router or host.' },
      ...patterns
    ],
    paths: [
      { name: 'node:crypto', importNames: ['randomBytes', 'randomUUID', 'randomInt'], message: 'Engine code never uses ambient randomness.' },
      ...paths
    ]
  }
]
const noModel = [
  { group: ['**/inference', '**/inference/**'], message: 'The engine never loads the regime model; take its output as a run input (ModelRegimeOutput).' },
  { group: ['onnxruntime-*'], message: 'Only src/main/inference and the inference service load onnxruntime.' }
]
const regimeNoNode = 'src/main/regime is pure: no Node built-ins; files and processes stay at the edge (workers, CLI).'
const domGlobals = ['window', 'document', 'navigator', 'location', 'localStorage', 'sessionStorage', 'HTMLElement', 'requestAnimationFrame']

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'e2e/screenshots/**', '**/__fixtures__/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off'
    }
  },
  {
    files: ['tools/**/*.mjs', 'bench/**/*.mjs', '*.cjs'],
    languageOptions: { globals: globals.node }
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noNodePaths,
          patterns: [
            ...noNode,
            noElectron,
            { group: ['**/main/**', '**/renderer/**', '**/preload/**'], message: 'src/shared imports nothing from the processes that use it.' }
          ]
        }
      ],
      'no-restricted-globals': ['error', ...domGlobals.map((name) => ({ name, message: 'src/shared is DOM-free.' }))]
    }
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: noNodePaths,
          patterns: [
            ...noNode,
            noElectron,
            { group: ['**/main/**', '**/preload/**'], message: 'The renderer reaches main only through the contract client.' }
          ]
        }
      ]
    }
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: noNodePaths, patterns: [...noNode, { group: ['**/main/**', '**/renderer/**'], message: 'The preload exposes the contract client and nothing else.' }] }
      ]
    }
  },
  {
    // Determinism: engine, labs, the regime code they load, and inference get a Clock and an
    // Rng; they never read them directly.
    files: ['src/main/engine/**/*.ts', 'src/main/labs/**/*.ts', 'src/main/regime/**/*.ts', 'src/main/inference/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Engine code never reads the clock; take a Clock.' },
        { object: 'Math', property: 'random', message: 'Engine code never uses Math.random; take an Rng.' },
        { object: 'performance', property: 'now', message: 'Engine code never reads the clock; take a Clock.' },
        { object: 'crypto', property: 'getRandomValues', message: 'Engine code never uses ambient randomness; take an Rng.' },
        { object: 'crypto', property: 'randomUUID', message: 'Engine code never uses ambient randomness; take an Rng.' }
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Engine code never reads the clock; take a Clock.' }
      ],
      'no-restricted-imports': engineImports()
    }
  },
  // Rules on what the engine process loads; tests are exempt (an SSM run's test needs the model)
  // and never loaded there.
  {
    // The engine never loads the regime model: labs take its output as a run input (`requires`).
    files: ['src/main/engine/**/*.ts', 'src/main/labs/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': engineImports(noModel) }
  },
  {
    // src/main/regime is the pure regime code (features, filters, baselines, walk-forward,
    // evaluation, CSV parsing): labs load it and inference/ builds on it, so it imports neither.
    files: ['src/main/regime/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': engineImports(
        [...noModel, { group: ['**/labs', '**/labs/**'], message: 'src/main/regime is loaded by labs; it imports none.' }, { group: ['node:*'], message: regimeNoNode }],
        nodeBuiltins.map((name) => ({ name, message: regimeNoNode }))
      )
    }
  }
)
