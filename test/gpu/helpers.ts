// Shared pieces of the GPU tests: whether an adapter exists (in CI every GPU test fails without one,
// elsewhere they skip after one loud line), and small parsing helpers.

import type { Atom } from '../../src/core/atoms.js';
import { parseProgram } from '../../src/core/parser.js';
import { acquireGpu, GpuUnavailableError } from '../../src/gpu/index.js';

export function parseAll(text: string): Atom[] {
  return parseProgram(text).map((item) => item.atom);
}

let probe: Promise<string | null> | null = null;
let missing = '';
const inCi = process.env['CI'] === 'true' || process.env['CI'] === '1';

/** The adapter name, or null when there is none (then each test calls `noGpu`). */
export function gpuAdapter(): Promise<string | null> {
  probe ??= acquireGpu().then(
    (ctx) => {
      console.log(`GPU tests run on: ${ctx.adapterName}`);
      return ctx.adapterName;
    },
    (e: unknown) => {
      if (!(e instanceof GpuUnavailableError)) throw e;
      missing = e.message;
      if (!inCi) console.warn(`\n!!! GPU TESTS SKIPPED: ${e.message}. Install lavapipe as .ci/run does to run them. !!!\n`);
      return null;
    },
  );
  return probe;
}

/**
 * What a GPU test does without an adapter: in CI (CI=true) it fails — the GPU tests must really
 * run there — and elsewhere it skips.
 */
export function noGpu(ctx: { skip(): void }): void {
  if (inCi) throw new Error(`CI=true but no GPU adapter: ${missing} (install mesa-vulkan-drivers from bookworm-backports, see .ci/run)`);
  ctx.skip();
}
