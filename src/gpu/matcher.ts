// The GPU matcher: many patterns against a frozen trie in a few dispatches of shaders/trie-match.wgsl.
//
// A batch runs as count → prefix sum → write (docs/gpu.md):
//   1. upload the trie (once per snapshot: buffer-pool.ts's TrieCache) and the patterns, in chunks
//      that fit the device (batch-plan.ts);
//   2. count pass (dispatch.ts): each invocation walks the trie with one pattern and reports the
//      words of output it needs, and whether it hit a kernel limit;
//   3. the counts become output offsets, split into groups that fit one binding (batch-plan.ts);
//   4. write pass per group (dispatch.ts): the same walk writes its binding records there;
//   5. records expand into atoms in the CPU matcher's order (expand.ts).
// Patterns the kernel cannot take (too many variables, a stored atom deeper than its stack, an
// output larger than a binding) are answered by the CPU matcher and counted in the metrics, never
// truncated.

import type { Atom } from '../core/index.js';
import { CompiledPattern, type MatchHit, TrieMatcher } from '../cpu/index.js';
import type { FrozenView } from '../space/index.js';
import type { FlatTrie } from '../space/index.js';
import { batchLimits, bucketByWork, chunks, eligiblePatterns, planOutput } from './batch-plan.js';
import { PatCount } from './kernel-layout.js';
import { BufferPool, TrieCache } from './buffer-pool.js';
import { acquireGpu, type GpuContext } from './device.js';
import { ChunkDispatch, type DispatchEnv } from './dispatch.js';
import { expandRaw, hitsOf } from './expand.js';
import { chooseLists, walkSpan } from './leaf-postings.js';
import { pipelinesFor } from './pipelines.js';
import { typedError } from './submit.js';
import { type CompactMatches, type FallbackReason, type GpuBatchMetrics, type GpuMatcherOptions, type KernelPattern, kernelPattern, newMetrics, type RawMatches } from './types.js';

export { KERNEL_MAX_DEPTH, KERNEL_MAX_VARS } from './kernel-layout.js';
export { expandRaw } from './expand.js';
export type { CompactMatches, FallbackReason, GpuBatchMetrics, GpuMatcherOptions, KernelPattern, RawMatches } from './types.js';
export { kernelPattern } from './types.js';

/** Many patterns against a frozen trie on the GPU. One instance can serve many batches. */
export class GpuMatcher {
  private readonly trieCache = new TrieCache();
  private readonly pool = new BufferPool();
  private readonly cpu = new TrieMatcher();
  private queue: Promise<unknown> = Promise.resolve();
  /** Totals over every batch this matcher ran. */
  readonly totals = { batches: 0, patterns: 0, gpuPatterns: 0, cpuPatterns: 0, dispatches: 0 };

  constructor(private readonly options: GpuMatcherOptions = {}) {}

  /** The adapter this matcher runs on (opens the device). */
  async adapterName(): Promise<string> {
    return (await this.acquire()).adapterName;
  }

  /** Matches, then materializes the hits as the CPU matcher returns them (same order, same bindings). */
  async match(view: FrozenView, patterns: readonly (Atom | CompiledPattern)[]): Promise<MatchHit[][]> {
    const compiled = patterns.map((p) => (p instanceof CompiledPattern ? p : new CompiledPattern(p)));
    return this.toHits(view, await this.matchCompact(view, compiled));
  }

  /** Bindings of every hit, in the CPU matcher's form; fallback patterns run on the CPU here. */
  toHits(view: FrozenView, m: CompactMatches): MatchHit[][] {
    const out: MatchHit[][] = [];
    for (let p = 0; p < m.patterns.length; p++) out.push(this.hitsOf(view, m, p));
    return out;
  }

  /** The hits of pattern p, in the CPU matcher's order and with its fresh variables (expand.ts). */
  hitsOf(view: FrozenView, m: CompactMatches, p: number): MatchHit[] {
    return hitsOf(view, m, p, this.cpu);
  }

  /**
   * Runs one batch. The view's trie is matched on the GPU; a view with recent (not yet indexed)
   * atoms is refused — take `space.snapshot()` first. Throws a GpuError subclass when the device is
   * missing, lost or fails; the caller falls back to the CPU.
   */
  async matchCompact(view: FrozenView, patterns: readonly CompiledPattern[]): Promise<CompactMatches> {
    if (view.recent.length > 0) throw new RangeError('GpuMatcher needs a fully indexed view (space.snapshot()): this one has recent atoms');
    const raw = await this.runRaw(view.trie, patterns.map(kernelPattern));
    return expandRaw(view, patterns, raw);
  }

  /**
   * The kernel part of a batch, independent of the atom store (it can run on another thread):
   * binding records per pattern, and the patterns left to the CPU. Batches are serialised.
   */
  runRaw(trie: FlatTrie, patterns: readonly KernelPattern[]): Promise<RawMatches> {
    const run = this.queue.then(
      () => this.runBatch(trie, patterns),
      () => this.runBatch(trie, patterns),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Frees the cached trie and pooled buffers (the device stays open: see closeGpu). */
  dispose(): void {
    this.trieCache.clear();
    this.pool.clear();
  }

  private acquire(): Promise<GpuContext> {
    return (this.options.acquire ?? acquireGpu)();
  }

  private async runBatch(trie: FlatTrie, patterns: readonly KernelPattern[]): Promise<RawMatches> {
    const t0 = performance.now();
    const metrics = newMetrics(patterns.length);
    const ctx = await this.acquire();
    const limits = batchLimits(ctx.limits, this.options);
    const fallback = new Map<number, FallbackReason>();
    const noteFallback = (p: number, reason: FallbackReason): void => {
      fallback.set(p, reason);
      metrics.fallback[reason] = (metrics.fallback[reason] ?? 0) + 1;
    };
    // Per pattern: where its records start in `words` and how many words they take.
    const recStart = new Float64Array(patterns.length);
    const recWords = new Float64Array(patterns.length);
    const pieces: Uint32Array[] = [];
    let wordsSoFar = 0;
    const eligible = eligiblePatterns(trie, patterns, limits, noteFallback);
    const acquired: GPUBuffer[] = [];
    try {
      if (eligible.length > 0) {
        let t = performance.now();
        const listPath = this.options.listPath ?? 'auto';
        const lists = listPath === 'never' ? null : chooseLists(trie, patterns, eligible, limits.binding, listPath === 'always');
        metrics.listPatterns = lists?.slices.size ?? 0;
        const ordered =
          this.options.bucketByWork === false
            ? eligible
            : bucketByWork(eligible, (p) => {
                const list = lists?.slices.get(p);
                return list !== undefined ? { list: true, work: list.count } : { list: false, work: walkSpan(trie, patterns[p]!.tokens) };
              });
        metrics.hostMs += performance.now() - t;
        t = performance.now();
        const { buffers, uploaded } = this.trieCache.get(ctx, trie, lists?.aux ?? null);
        metrics.trieUploaded = uploaded;
        metrics.uploadMs += performance.now() - t;
        const env: DispatchEnv = { ctx, pool: this.pool, pipes: pipelinesFor(ctx.device), trie: buffers, metrics, acquired, afterSubmit: this.options.afterSubmit, workCounters: this.options.workCounters === true };
        for (const chunk of chunks(patterns, ordered, limits, lists?.slices ?? null)) {
          const run = new ChunkDispatch(env, chunk);
          const counts = await run.count();
          const th = performance.now();
          const plan = planOutput(counts, chunk.indices.length, limits.groupWords);
          addWork(metrics.work, counts, chunk.indices.length);
          for (const [i, reason] of plan.fallback) {
            noteFallback(chunk.indices[i]!, reason);
            // Kernel-flagged patterns are skipped by write_main already; oversized ones get a flag.
            if (reason === 'output') run.skipInWritePass(i);
          }
          for (let i = 0; i < chunk.indices.length; i++) {
            if (plan.fallback.has(i)) continue;
            const p = chunk.indices[i]!;
            recStart[p] = wordsSoFar;
            recWords[p] = plan.words[i]!;
            wordsSoFar += plan.words[i]!;
          }
          metrics.hostMs += performance.now() - th;
          for (const g of plan.groups) pieces.push(await run.write(g, plan.offset));
        }
      }
    } catch (e) {
      for (const b of acquired) b.destroy();
      throw typedError(ctx, e);
    }
    for (const b of acquired) this.pool.release(b);

    metrics.gpuPatterns = patterns.length - fallback.size;
    metrics.totalMs = performance.now() - t0;
    this.totals.batches++;
    this.totals.patterns += patterns.length;
    this.totals.gpuPatterns += metrics.gpuPatterns;
    this.totals.cpuPatterns += fallback.size;
    this.totals.dispatches += metrics.countDispatches + metrics.writeDispatches;
    return { recStart, recWords, words: concat(pieces, wordsSoFar), fallback, metrics };
  }
}

/** Sums the count pass's work counters of n patterns into `work`. */
function addWork(work: GpuBatchMetrics['work'], counts: Uint32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const steps = counts[i * PatCount.words + PatCount.at.steps]!;
    const loads = counts[i * PatCount.words + PatCount.at.loads]!;
    work.steps += steps;
    work.loads += loads;
    if (steps > work.maxSteps) work.maxSteps = steps;
    if (loads > work.maxLoads) work.maxLoads = loads;
  }
  work.patterns += n;
}

function concat(pieces: readonly Uint32Array[], total: number): Uint32Array {
  if (pieces.length === 1 && pieces[0]!.length === total) return pieces[0]!;
  const out = new Uint32Array(total);
  let at = 0;
  for (const p of pieces) {
    out.set(p.subarray(0, Math.min(p.length, total - at)), at);
    at += p.length;
  }
  return out;
}
