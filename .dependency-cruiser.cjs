// The layering of docs/architecture.md, checked in `npm test` (npm run lint:deps). Folders of src/
// from the bottom up; a folder may import only the folders listed for it, and reaches another
// folder only through that folder's index.ts. bench/ uses the library through src/index.ts only.
const LAYERS = {
  core: [],
  space: ['core'],
  cpu: ['core', 'space'],
  gpu: ['core', 'space', 'cpu'],
  pool: ['core'],
  scheduler: ['core'],
  query: ['core', 'space', 'cpu', 'gpu', 'pool', 'scheduler'],
  eval: ['core', 'space', 'cpu'],
  runner: ['core', 'space', 'cpu', 'gpu', 'pool', 'scheduler', 'query', 'eval'],
  api: ['core', 'space', 'cpu', 'gpu', 'pool', 'scheduler', 'query', 'eval', 'runner'],
  bench: ['core', 'space', 'cpu', 'gpu', 'pool', 'scheduler', 'query', 'eval', 'runner', 'api'],
  cli: ['core', 'space', 'cpu', 'gpu', 'pool', 'scheduler', 'query', 'eval', 'runner', 'api', 'bench'],
};
const FOLDERS = Object.keys(LAYERS);

module.exports = {
  forbidden: [
    ...FOLDERS.map((folder) => {
      const denied = FOLDERS.filter((f) => f !== folder && !LAYERS[folder].includes(f));
      return {
        name: `layer-${folder}`,
        comment: `src/${folder} may import only ${LAYERS[folder].length === 0 ? 'itself' : LAYERS[folder].join(', ')} (docs/architecture.md, Layers)`,
        severity: 'error',
        from: { path: `^src/${folder}/` },
        to: { path: [`^src/(${denied.join('|')})/`, '^src/index\\.ts$', '^bench/'] },
      };
    }),
    {
      name: 'through-index',
      comment: 'another folder is reached only through its index.ts',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      // Except a few light modules, for code that must not load the engine that an index.ts would
      // load with them: the command's main thread (cli/main.ts and its argument parsers).
      to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$', '^src/runner/(eval-config|exit-code)\\.ts$', '^src/core/(log|worker-script|source-text|errors|read-shared)\\.ts$'] },
    },
    {
      name: 'library-entry-without-cli',
      comment: 'src/index.ts is the library: it does not export the command',
      severity: 'error',
      from: { path: '^src/index\\.ts$' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'bench-through-library-entry',
      comment: 'bench/ uses the library through its public entry, src/index.ts, only',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^src/', pathNot: '^src/index\\.ts$' },
    },
    {
      name: 'no-circular',
      comment: 'modules do not import each other in a cycle (type-only imports aside: they vanish when compiled)',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules|test)/' },
  },
};
