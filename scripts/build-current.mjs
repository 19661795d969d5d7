// Builds dist/ from the current sources, incrementally (tsc --incremental), removes compiled
// files whose source is gone, and bundles the result (scripts/bundle.mjs: dist/bundle), so
// nothing in dist/ is older than src/ or bench/. Run by the tests'
// global setup (test/global-setup.ts) before any test, and usable as `node scripts/build-current.mjs`.
// Exits non-zero (or throws, imported) when the build fails.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from './bundle.mjs';

const COMPILED = /\.(js|js\.map|d\.ts|d\.ts\.map)$/;

/** Compiled files under dist/src and dist/bench whose .ts source no longer exists. */
export function orphans(root) {
  const out = [];
  for (const top of ['src', 'bench']) {
    const base = join(root, 'dist', top);
    if (!existsSync(base)) continue;
    const walk = (dir) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (COMPILED.test(name)) {
          const source = join(root, relative(join(root, 'dist'), path)).replace(COMPILED, '.ts');
          if (!existsSync(source)) out.push(path);
        }
      }
    };
    walk(base);
  }
  return out;
}

/** Builds `root`'s dist/ from its sources (incrementally) and removes orphans; returns what it removed. */
export function buildCurrent(root = fileURLToPath(new URL('..', import.meta.url))) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--incremental', '--tsBuildInfoFile', join(root, 'dist', '.tsbuildinfo')], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const removed = orphans(root);
  for (const path of removed) rmSync(path);
  bundle(root);
  return removed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    buildCurrent();
  } catch {
    process.exitCode = 1;
  }
}
