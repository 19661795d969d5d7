// Planning a batch to the device's limits, without touching the device: which patterns the kernel
// may take at all, chunks of patterns that fit one count dispatch, and — once the counts are
// back — each chunk's output offsets (the exclusive prefix sum) split into groups that fit one
// storage binding. Everything here is pure, so it is tested without an adapter.

import type { FlatTrie } from '../space/index.js';
import type { GpuLimits } from './device.js';
import { Flag, KERNEL_MAX_VARS, PatCount, PatInfo, WORKGROUP_SIZE } from './kernel-layout.js';
import type { ListSlice } from './leaf-postings.js';
import type { FallbackReason, GpuMatcherOptions, KernelPattern } from './types.js';

export interface BatchLimits {
  /** Bytes of one storage binding. */
  readonly binding: number;
  /** Workgroups of one dispatch. */
  readonly workgroups: number;
  /** Words of one output group: one binding, and one buffer. */
  readonly groupWords: number;
}

export function batchLimits(device: GpuLimits, options: GpuMatcherOptions): BatchLimits {
  const binding = Math.min(device.maxStorageBufferBindingSize, options.maxBindingBytes ?? Infinity);
  return {
    binding,
    workgroups: Math.min(device.maxComputeWorkgroupsPerDimension, options.maxWorkgroupsPerDispatch ?? Infinity),
    groupWords: Math.floor(Math.min(binding, device.maxBufferSize) / 4),
  };
}

/** Patterns the kernel can take; the others get their reason in `fallback`. */
export function eligiblePatterns(trie: FlatTrie, patterns: readonly KernelPattern[], limits: BatchLimits, fallback: (p: number, reason: FallbackReason) => void): number[] {
  // Node indices must stay below 2^31 (the kernel keeps a direction bit beside them).
  const trieFits = trie.childStart.length * 4 <= limits.binding && trie.nodeCount < 0x80000000;
  const eligible: number[] = [];
  for (let p = 0; p < patterns.length; p++) {
    if (!trieFits) fallback(p, 'trie-size');
    else if (patterns[p]!.varCount > KERNEL_MAX_VARS) fallback(p, 'pattern-variables');
    else eligible.push(p);
  }
  return eligible;
}

/** One chunk's patterns (batch indices) and their arrays, as uploaded. */
export interface Chunk {
  readonly indices: number[];
  readonly tok: Uint32Array;
  readonly ends: Uint32Array;
  /** PatInfo per pattern; outOffset is filled per output group. */
  readonly info: Uint32Array;
}

/** Splits the eligible patterns into chunks that fit one count dispatch and its bindings. */
export function* chunks(patterns: readonly KernelPattern[], eligible: readonly number[], limits: BatchLimits, lists: ReadonlyMap<number, ListSlice> | null = null): Generator<Chunk> {
  const maxPatterns = Math.max(1, Math.min(limits.workgroups * WORKGROUP_SIZE, Math.floor(limits.binding / PatInfo.bytes), Math.floor(limits.binding / PatCount.bytes)));
  const maxTokens = Math.floor(limits.binding / 4);
  let k = 0;
  while (k < eligible.length) {
    const indices: number[] = [];
    let tokens = 0;
    while (k < eligible.length && indices.length < maxPatterns) {
      const len = patterns[eligible[k]!]!.tokens.length;
      if (indices.length > 0 && tokens + len > maxTokens) break;
      indices.push(eligible[k]!);
      tokens += len;
      k++;
    }
    const tok = new Uint32Array(Math.max(1, tokens));
    const ends = new Uint32Array(Math.max(1, tokens));
    const info = new Uint32Array(indices.length * PatInfo.words);
    let at = 0;
    for (let i = 0; i < indices.length; i++) {
      const cp = patterns[indices[i]!]!;
      tok.set(cp.tokens, at);
      ends.set(cp.ends, at);
      const list = lists?.get(indices[i]!);
      const listed = list === undefined ? {} : { listStart: list.start, listEnd: list.start + list.count };
      info.set(PatInfo.pack({ tokStart: at, tokCount: cp.tokens.length, varCount: cp.varCount, ...listed }), i * PatInfo.words);
      at += cp.tokens.length;
    }
    yield { indices, tok, ends, info };
  }
}

/** A run of a chunk's patterns [first, end) whose records fill one output buffer of `words`. */
export interface OutputGroup {
  readonly first: number;
  readonly end: number;
  readonly words: number;
}

export interface OutputPlan {
  readonly groups: OutputGroup[];
  /** Per chunk pattern: words of its records (0 for a fallback) and offset in its group's buffer. */
  readonly words: Uint32Array;
  readonly offset: Uint32Array;
  /** Chunk patterns left to the CPU, by chunk index. */
  readonly fallback: Map<number, FallbackReason>;
}

export function flagReason(flags: number): FallbackReason {
  return flags & Flag.DEPTH ? 'depth' : flags & Flag.VARS ? 'stored-variables' : 'stack';
}

/** Turns the count pass's PatCount words for n patterns into output offsets and groups. */
export function planOutput(counts: Uint32Array, n: number, groupWords: number): OutputPlan {
  const groups: OutputGroup[] = [];
  const words = new Uint32Array(n);
  const offset = new Uint32Array(n);
  const fallback = new Map<number, FallbackReason>();
  let first = 0;
  let end = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const w = counts[i * PatCount.words + PatCount.at.words]!;
    const flags = counts[i * PatCount.words + PatCount.at.flags]!;
    if (flags !== 0) {
      fallback.set(i, flagReason(flags));
      continue;
    }
    if (w > groupWords) {
      fallback.set(i, 'output');
      continue;
    }
    if (sum + w > groupWords) {
      groups.push({ first, end, words: sum });
      first = i;
      end = i;
      sum = 0;
    }
    offset[i] = sum;
    words[i] = w;
    sum += w;
    end = i + 1;
  }
  groups.push({ first, end, words: sum });
  return { groups: groups.filter((g) => g.words > 0), words, offset, fallback };
}

/** What a pattern will cost the kernel, as far as the host can tell before the count pass. */
export interface WorkEstimate {
  /** Answered from a posting list (leaf-postings.ts), not by a walk. */
  readonly list: boolean;
  /** The list's leaves, or the sub-terms the walk spans at its first variable. */
  readonly work: number;
}

/**
 * The eligible patterns reordered so that neighbouring invocations — one warp, one SIMD batch —
 * do alike work: list patterns first, then walks, each in buckets of powers of two of their
 * estimated work, smallest first, in batch order within a bucket. The order of invocations is
 * free: every pattern's records go to its own range (recStart), whatever the chunk order.
 */
export function bucketByWork(eligible: readonly number[], estimate: (p: number) => WorkEstimate): number[] {
  const BUCKETS = 33; // ceil(log2(work + 1)) for work below 2^32
  const keys = new Uint8Array(eligible.length);
  const sizes = new Uint32Array(2 * BUCKETS + 1);
  for (let i = 0; i < eligible.length; i++) {
    const e = estimate(eligible[i]!);
    const k = (e.list ? 0 : BUCKETS) + (32 - Math.clz32(Math.min(e.work, 0xffffffff)));
    keys[i] = k;
    sizes[k + 1]!++;
  }
  for (let k = 0; k < 2 * BUCKETS; k++) sizes[k + 1]! += sizes[k]!;
  const out = new Array<number>(eligible.length);
  for (let i = 0; i < eligible.length; i++) out[sizes[keys[i]!]!++] = eligible[i]!;
  return out;
}
