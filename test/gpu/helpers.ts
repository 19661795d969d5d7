// Shared pieces of the GPU tests: whether an adapter exists (in CI every GPU test fails without one,
// elsewhere they skip after one loud line), and small parsing helpers.

import { spawnSync } from 'node:child_process';
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
 * The adapter name, probed in a separate process, or null when there is none. For tests whose
 * device lives elsewhere (the `metta` command, a GPU thread): Dawn opened and closed on the test's
 * own thread as well has been seen to abort the test process at exit under lavapipe
 * (`pthread_mutex_lock: Assertion ... failed`). Needs dist/ (npm run build).
 */
export function gpuAdapterOutOfProcess(): string | null {
  const probe =
    "const { acquireGpu, closeGpu } = await import('./dist/src/gpu/device.js');" +
    'try { const ctx = await acquireGpu(); console.log(`adapter:${ctx.adapterName}`); await closeGpu(); }' +
    " catch (e) { console.log(`missing:${e instanceof Error ? e.message : String(e)}`); }";
  // Two tries: under a full test run's load the probe has been seen to hang in Dawn's start-up
  // once (the whole hook then timed out); a second process gets through.
  let r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8', timeout: 45_000, killSignal: 'SIGKILL' });
  if (r.error !== undefined) r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8', timeout: 45_000, killSignal: 'SIGKILL' });
  const line = r.stdout.split('\n').find((l) => l.startsWith('adapter:') || l.startsWith('missing:'));
  if (line?.startsWith('adapter:')) {
    const name = line.slice('adapter:'.length);
    console.log(`GPU tests run on: ${name}`);
    return name;
  }
  missing = line?.slice('missing:'.length) ?? `the probe process failed (status ${r.status}): ${r.stderr.slice(-500)}`;
  if (!inCi) console.warn(`\n!!! GPU TESTS SKIPPED: ${missing}. Install lavapipe as .ci/run does to run them. !!!\n`);
  return null;
}

/**
 * What a GPU test does without an adapter: in CI (CI=true) it fails — the GPU tests must really
 * run there — and elsewhere it skips.
 */
export function noGpu(ctx: { skip(): void }): void {
  if (inCi) throw new Error(`CI=true but no GPU adapter: ${missing} (install mesa-vulkan-drivers from bookworm-backports, see .ci/run)`);
  ctx.skip();
}
