// Bundles tsc's output (dist/src) into dist/bundle: the `metta` command and each worker thread's
// entry become a few ESM files (shared code split into chunks) instead of about 110 modules, which
// halves the time Node takes to load the engine at every start and in every new thread. Packages
// under node_modules (webgpu, tinybench, gpu.js) stay imports. bin/metta.js runs the bundle when it
// is at least as new as dist/src; the code finds its threads' entries the same way it was loaded
// (src/core/worker-script.ts). Run by `npm run build` and by scripts/build-current.mjs.

import { buildSync } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Entries under dist/src: the command, and every file a Worker is started on. */
export const BUNDLE_ENTRIES = ['cli/main.js', 'cli/worker.js', 'cli/repl-worker.js', 'runner/pool-worker.js', 'gpu/thread.js'];

/** Writes dist/bundle from dist/src (which must be built); replaces what was there. */
export function bundle(root = fileURLToPath(new URL('..', import.meta.url))) {
  const from = join(root, 'dist', 'src');
  const out = join(root, 'dist', 'bundle');
  for (const entry of BUNDLE_ENTRIES) if (!existsSync(join(from, entry))) throw new Error(`bundle: ${join(from, entry)} is not built`);
  rmSync(out, { recursive: true, force: true });
  buildSync({
    entryPoints: BUNDLE_ENTRIES.map((e) => join(from, e)),
    outbase: from,
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    bundle();
  } catch (e) {
    process.stderr.write(`${e.message ?? e}\n`);
    process.exitCode = 1;
  }
}
