// Shared pieces of the GPU tests: whether an adapter exists (CI fails without one, elsewhere the
// suites skip with one loud line), and small parsing helpers.

import type { Atom } from '../../src/core/atoms.js';
import { parseProgram } from '../../src/core/parser.js';
import { acquireGpu, GpuUnavailableError } from '../../src/gpu/index.js';

export function parseAll(text: string): Atom[] {
  return parseProgram(text).map((item) => item.atom);
}

let probe: Promise<string | null> | null = null;

/**
 * The adapter name, or null when there is none outside CI (the caller skips). In CI (CI=true) a
 * missing adapter is an error: the GPU suites must really run there.
 */
export function gpuAdapter(): Promise<string | null> {
  probe ??= acquireGpu().then(
    (ctx) => {
      console.log(`GPU tests run on: ${ctx.adapterName}`);
      return ctx.adapterName;
    },
    (e: unknown) => {
      if (process.env['CI'] === 'true' || process.env['CI'] === '1') {
        throw new Error(`CI=true but no GPU adapter: ${(e as Error).message} (install mesa-vulkan-drivers from bookworm-backports, see .ci/run)`);
      }
      if (!(e instanceof GpuUnavailableError)) throw e;
      console.warn(`\n!!! GPU TESTS SKIPPED: ${e.message}. Install lavapipe as .ci/run does to run them. !!!\n`);
      return null;
    },
  );
  return probe;
}
