// The GPU matcher's option, result and metrics types, shared by its modules and the GPU thread.

import type { CompiledPattern } from '../cpu/index.js';
import type { GpuContext } from './device.js';

export type FallbackReason = 'pattern-variables' | 'depth' | 'stored-variables' | 'stack' | 'output' | 'trie-size';

export interface GpuMatcherOptions {
  /**
   * Fill the kernel's work counters (GpuBatchMetrics.work): a count pipeline compiled with them,
   * about a tenth slower on lavapipe. Off by default, when `work` reads 0 (patterns counted).
   */
  readonly workCounters?: boolean;
  /**
   * Patterns whose constants follow a variable — `(edge $x c)` — may be answered from the trie
   * leaves' posting lists (leaf-postings.ts) instead of by a walk: 'auto' (the default) when the
   * list is shorter than what the walk spans at its first variable, 'always' whenever a usable
   * list exists, 'never' walks every pattern (the tests compare them).
   */
  readonly listPath?: 'auto' | 'always' | 'never';
  /**
   * Order the invocations by estimated work (batch-plan.ts `bucketByWork`: list patterns, then
   * walks, by powers of two of their work) so a warp's patterns cost alike. Default true; false
   * keeps the batch order (the results are the same either way).
   */
  readonly bucketByWork?: boolean;
  /** Caps below the device's own limits (tests force tiny ones to exercise the splitting). */
  readonly maxBindingBytes?: number;
  readonly maxWorkgroupsPerDispatch?: number;
  /** Called right after each submit (tests destroy the device here to simulate a loss). */
  readonly afterSubmit?: (stage: 'count' | 'write', ctx: GpuContext) => void;
  /** Where the device comes from (default: the process's device, `acquireGpu`); tests pass a mock. */
  readonly acquire?: () => Promise<GpuContext>;
}

export interface GpuBatchMetrics {
  patterns: number;
  /** Patterns answered by the kernel. */
  gpuPatterns: number;
  /** Patterns answered by the CPU matcher, by reason. */
  fallback: Partial<Record<FallbackReason, number>>;
  /** Count dispatches (one per chunk of patterns) and write dispatches (one per output group). */
  countDispatches: number;
  writeDispatches: number;
  /** Binding records written by the GPU (one per matched leaf) and atoms they expanded to. */
  records: number;
  results: number;
  /** Patterns whose hits spanned several leaves and needed a merge by insertion id. */
  merged: number;
  /** Patterns the kernel answered from a posting list of leaves, not by a walk (GpuMatcherOptions.listPath). */
  listPatterns: number;
  trieUploaded: boolean;
  /**
   * The kernel's work (count pass, every pattern it walked — fallbacks flagged by the kernel
   * included): walk loop iterations and reads of the trie and pattern buffers, in total and for
   * the most expensive pattern (PatCount.steps / .loads). Progress visible without a real GPU.
   * Filled only with GpuMatcherOptions.workCounters; otherwise the steps and loads are 0.
   */
  work: { patterns: number; steps: number; loads: number; maxSteps: number; maxLoads: number };
  /** Wall-clock split of the batch, in milliseconds. */
  uploadMs: number;
  countMs: number;
  writeMs: number;
  readbackMs: number;
  hostMs: number;
  totalMs: number;
}

export function newMetrics(patterns: number): GpuBatchMetrics {
  return {
    patterns,
    gpuPatterns: 0,
    fallback: {},
    countDispatches: 0,
    writeDispatches: 0,
    records: 0,
    results: 0,
    merged: 0,
    listPatterns: 0,
    trieUploaded: false,
    work: { patterns: 0, steps: 0, loads: 0, maxSteps: 0, maxLoads: 0 },
    uploadMs: 0,
    countMs: 0,
    writeMs: 0,
    readbackMs: 0,
    hostMs: 0,
    totalMs: 0,
  };
}

/**
 * Results of a batch in compact form: for pattern p, its hits are hitStart[p] .. hitStart[p+1] in
 * `atomIds` (ascending) and `recordAt` (index in `words` of the hit's binding record). Patterns in
 * `fallback` have no compact hits: `toHits` answers them with the CPU matcher.
 */
export interface CompactMatches {
  readonly patterns: readonly CompiledPattern[];
  readonly hitStart: Uint32Array;
  readonly atomIds: Uint32Array;
  readonly recordAt: Uint32Array;
  readonly words: Uint32Array;
  /** Pattern p's binding records, in walk order: words[recStart[p] .. recStart[p] + recWords[p]). */
  readonly recStart: Float64Array;
  readonly recWords: Float64Array;
  readonly fallback: ReadonlyMap<number, FallbackReason>;
  readonly metrics: GpuBatchMetrics;
}

/** What the kernel needs of a pattern (a CompiledPattern has it; so does a message from another thread). */
export interface KernelPattern {
  readonly tokens: Uint32Array;
  /** ends[i]: offset just past the sub-term starting at i. */
  readonly ends: Uint32Array;
  readonly varCount: number;
}

/**
 * The kernel's answer before expansion: pattern p's binding records are
 * words[recStart[p] .. recStart[p] + recWords[p]) (one per matched leaf, trie order).
 */
export interface RawMatches {
  readonly recStart: Float64Array;
  readonly recWords: Float64Array;
  readonly words: Uint32Array;
  readonly fallback: Map<number, FallbackReason>;
  readonly metrics: GpuBatchMetrics;
}

export function kernelPattern(p: CompiledPattern): KernelPattern {
  return { tokens: p.tokens, ends: p.ends, varCount: p.varNames.length };
}
