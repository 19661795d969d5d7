// Where the compiled entry of a worker thread is. Threads always run compiled JavaScript (Node
// cannot load TypeScript): the bundle's entry (dist/bundle/) when the caller runs from the bundle,
// as the `metta` command does, else tsc's output (dist/src/), also when the caller runs from the
// TypeScript sources, as the tests do. `npm test` builds both from the current sources first
// (test/global-setup.ts), so a worker never runs code older than its caller.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { codeLayout, packageRoot } from './package-root.js';

/** Whether this code runs from the TypeScript sources (vitest) rather than from dist/. */
export const runningFromSource = codeLayout === 'source';

/** The folder under dist/ whose entries this process's threads run. */
const entries = join(packageRoot, 'dist', codeLayout === 'bundle' ? 'bundle' : 'src');

/** A worker entry that is not built (the package was installed without its `prepare` step). */
export class WorkerScriptMissingError extends Error {
  constructor(readonly path: string) {
    super(`the worker entry ${path} is not built: run \`npm run build\` in ${packageRoot}`);
    this.name = 'WorkerScriptMissingError';
  }
}

/**
 * The compiled worker entry named by its path under src/ (`'runner/pool-worker.js'`). Throws
 * WorkerScriptMissingError when it is not built.
 */
export function workerScript(pathUnderSrc: string): string {
  const path = join(entries, pathUnderSrc);
  if (!existsSync(path)) throw new WorkerScriptMissingError(path);
  return path;
}

/**
 * For threads that the sources may replace by running in-process (the CLI's run and REPL
 * threads: from the sources, tests call them in-process to see their output): the compiled entry
 * when this code is the compiled one, null when it runs from the sources or the entry is missing.
 */
export function compiledWorkerScript(pathUnderSrc: string): string | null {
  if (runningFromSource) return null;
  const path = join(entries, pathUnderSrc);
  return existsSync(path) ? path : null;
}
