// Speculative evaluation on the owning thread: what a pool thread does with a task, done here with
// the real environment. The first built-in that would write stops it (effects.ts) before it writes,
// and `println!`/`trace!` text is captured, so the environment is left exactly as it was and the
// result can be kept or thrown away like a thread's.

import type { Environment } from '../eval/index.js';
import { EvaluationStopped, SpeculationAborted } from '../eval/index.js';
import type { CapturedText } from './eval-task.js';

export type Speculation<T> =
  | { readonly kind: 'done'; readonly value: T; readonly captured: readonly CapturedText[]; readonly ms: number }
  | { readonly kind: 'aborted'; readonly reason: string; readonly ms: number }
  | { readonly kind: 'stopped'; readonly reason: string; readonly captured: readonly CapturedText[]; readonly ms: number };

export function speculate<T>(env: Environment, evaluate: () => T): Speculation<T> {
  const started = performance.now();
  const captured: CapturedText[] = [];
  const output = env.output;
  const wasSpeculative = env.speculative;
  env.output = { stdout: (text) => captured.push({ kind: 'stdout', text }), stderr: (text) => captured.push({ kind: 'stderr', text }) };
  env.speculative = true;
  try {
    const value = evaluate();
    return { kind: 'done', value, captured, ms: performance.now() - started };
  } catch (e) {
    if (e instanceof SpeculationAborted) return { kind: 'aborted', reason: `writes through ${e.builtin}`, ms: performance.now() - started };
    if (e instanceof EvaluationStopped) return { kind: 'stopped', reason: e.reason, captured, ms: performance.now() - started };
    throw e;
  } finally {
    env.output = output;
    env.speculative = wasSpeculative;
  }
}

/** Lets the event loop run (worker replies, refills) at most every `everyMs` of work on this thread. */
export class Yielder {
  private last = performance.now();
  constructor(private readonly everyMs = 1) {}
  async due(): Promise<void> {
    if (performance.now() - this.last < this.everyMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = performance.now();
  }
}
