// The GPU matcher: many patterns against a frozen trie in a few dispatches of shaders/trie-match.wgsl.
//
// A batch runs as count → prefix sum → write:
//   1. upload the trie (once per snapshot: cached until the space's trie changes) and the patterns;
//   2. count pass: each invocation walks the trie with one pattern and reports the words of output
//      it needs (and whether it hit a kernel limit);
//   3. the host turns the counts into exact output offsets (an exclusive prefix sum) and splits the
//      patterns into groups whose output fits one storage binding;
//   4. write pass per group: the same walk writes its binding records at those offsets;
//   5. the host expands each record's leaf into the atoms stored under it and orders a pattern's
//      atoms by insertion id (a leaf's atoms are already ascending; only patterns that matched
//      several leaves need a merge).
// Patterns the kernel cannot take (too many variables, a stored atom deeper than its stack, an
// output larger than a binding) are answered by the CPU matcher and counted in the metrics, never
// truncated. Batches larger than the workgroup or binding limits are split transparently.

import { Bindings } from '../core/bindings.js';
import type { Atom } from '../core/atoms.js';
import { CompiledPattern, type MatchHit, TrieMatcher } from '../cpu/trie-match.js';
import { freshVariablesFor } from '../cpu/token-unify.js';
import type { SpaceView } from '../space/atom-space.js';
import type { FlatTrie } from '../space/flat-trie.js';
import { acquireGpu, type GpuContext, uploadU32 } from './device.js';
import { GpuDeviceLostError, GpuError, GpuExecutionError } from './errors.js';
import { resolveFromRecord, UNBOUND } from './resolve.js';
import { shaderSource } from './shaders.js';

/** Kernel limits (must equal the constants in shaders/trie-match.wgsl). */
export const KERNEL_MAX_VARS = 16;
export const KERNEL_MAX_DEPTH = 64;
const WORKGROUP = 64;
/** meta flag set by the host for a pattern whose output is larger than one binding. */
const FLAG_OUTPUT = 8;

export type FallbackReason = 'pattern-variables' | 'depth' | 'stored-variables' | 'stack' | 'output' | 'trie-size';

export interface GpuMatcherOptions {
  /** Caps below the device's own limits (tests force tiny ones to exercise the splitting). */
  readonly maxBindingBytes?: number;
  readonly maxWorkgroupsPerDispatch?: number;
  /** Called right after each submit (tests destroy the device here to simulate a loss). */
  readonly afterSubmit?: (stage: 'count' | 'write', ctx: GpuContext) => void;
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
  trieUploaded: boolean;
  /** Wall-clock split of the batch, in milliseconds. */
  uploadMs: number;
  countMs: number;
  writeMs: number;
  readbackMs: number;
  hostMs: number;
  totalMs: number;
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

interface Pipelines {
  readonly layout: GPUBindGroupLayout;
  readonly count: GPUComputePipeline;
  readonly write: GPUComputePipeline;
}

interface TrieBuffers {
  readonly ctx: GpuContext;
  readonly trie: FlatTrie;
  readonly tok: GPUBuffer;
  readonly start: GPUBuffer;
}

const pipelineCache = new WeakMap<GPUDevice, Pipelines>();

function pipelinesFor(device: GPUDevice): Pipelines {
  let p = pipelineCache.get(device);
  if (p !== undefined) return p;
  const module = device.createShaderModule({ label: 'trie-match', code: shaderSource('trie-match.wgsl') });
  const storage = (readOnly: boolean): GPUBindGroupLayoutEntry['buffer'] => ({ type: readOnly ? 'read-only-storage' : 'storage' });
  const entries: GPUBindGroupLayoutEntry[] = [];
  for (let b = 0; b < 7; b++) entries.push({ binding: b, visibility: GPUShaderStage.COMPUTE, buffer: storage(b < 5) });
  entries.push({ binding: 7, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } });
  const layout = device.createBindGroupLayout({ label: 'trie-match', entries });
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
  p = {
    layout,
    count: device.createComputePipeline({ label: 'trie-match count', layout: pipelineLayout, compute: { module, entryPoint: 'count_main' } }),
    write: device.createComputePipeline({ label: 'trie-match write', layout: pipelineLayout, compute: { module, entryPoint: 'write_main' } }),
  };
  pipelineCache.set(device, p);
  return p;
}

/** Size-bucketed reuse of GPU buffers: sizes round up to a power of two, per usage. */
class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private ctx: GpuContext | null = null;
  private held = 0;

  constructor(private readonly maxHeldBytes = 256 << 20) {}

  acquire(ctx: GpuContext, usage: number, bytes: number, label: string): GPUBuffer {
    if (this.ctx !== ctx) this.clear(ctx);
    let size = 256;
    while (size < bytes) size *= 2;
    if (size > ctx.limits.maxBufferSize) size = Math.ceil(bytes / 4) * 4;
    const list = this.free.get(`${usage}:${size}`);
    const reused = list?.pop();
    if (reused !== undefined) {
      this.held -= size;
      return reused;
    }
    return ctx.device.createBuffer({ label, size, usage });
  }

  release(buffer: GPUBuffer): void {
    if (this.ctx === null || this.ctx.lost !== null || this.held + buffer.size > this.maxHeldBytes) {
      buffer.destroy();
      return;
    }
    const key = `${buffer.usage}:${buffer.size}`;
    let list = this.free.get(key);
    if (list === undefined) this.free.set(key, (list = []));
    list.push(buffer);
    this.held += buffer.size;
  }

  clear(ctx: GpuContext | null = null): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.held = 0;
    this.ctx = ctx;
  }
}

const STORAGE_IN = 0x80 | 0x08; // STORAGE | COPY_DST
const STORAGE_OUT = 0x80 | 0x04 | 0x08; // STORAGE | COPY_SRC | COPY_DST
const UNIFORM = 0x40 | 0x08; // UNIFORM | COPY_DST
const STAGING = 0x01 | 0x08; // MAP_READ | COPY_DST

function newMetrics(patterns: number): GpuBatchMetrics {
  return {
    patterns,
    gpuPatterns: 0,
    fallback: {},
    countDispatches: 0,
    writeDispatches: 0,
    records: 0,
    results: 0,
    merged: 0,
    trieUploaded: false,
    uploadMs: 0,
    countMs: 0,
    writeMs: 0,
    readbackMs: 0,
    hostMs: 0,
    totalMs: 0,
  };
}

/** Pattern-side layout of one chunk, as uploaded. */
interface ChunkUpload {
  readonly indices: number[];
  readonly tok: Uint32Array;
  readonly ends: Uint32Array;
  readonly info: Uint32Array;
}

/** Many patterns against a frozen trie on the GPU. One instance can serve many batches. */
export class GpuMatcher {
  private trieCache: TrieBuffers | null = null;
  private readonly pool = new BufferPool();
  private readonly cpu = new TrieMatcher();
  private queue: Promise<unknown> = Promise.resolve();
  /** Totals over every batch this matcher ran. */
  readonly totals = { batches: 0, patterns: 0, gpuPatterns: 0, cpuPatterns: 0, dispatches: 0 };

  constructor(private readonly options: GpuMatcherOptions = {}) {}

  /** The adapter this matcher runs on (opens the device). */
  async adapterName(): Promise<string> {
    return (await acquireGpu()).adapterName;
  }

  /** Matches, then materializes the hits as the CPU matcher returns them (same order, same bindings). */
  async match(view: SpaceView, patterns: readonly (Atom | CompiledPattern)[]): Promise<MatchHit[][]> {
    const compiled = patterns.map((p) => (p instanceof CompiledPattern ? p : new CompiledPattern(p)));
    return this.toHits(view, await this.matchCompact(view, compiled));
  }

  /** Bindings of every hit, in the CPU matcher's form; fallback patterns run on the CPU here. */
  toHits(view: SpaceView, m: CompactMatches): MatchHit[][] {
    const out: MatchHit[][] = [];
    for (let p = 0; p < m.patterns.length; p++) out.push(this.hitsOf(view, m, p));
    return out;
  }

  /**
   * The hits of pattern p. Atoms are materialized in the CPU matcher's walk order (record order,
   * then ascending ids under each leaf) and then ordered by insertion id, exactly as the CPU
   * matcher does, so fresh variables for unbound stored variables are created in the same order
   * and get the same names.
   */
  hitsOf(view: SpaceView, m: CompactMatches, p: number): MatchHit[] {
    const pattern = m.patterns[p]!;
    if (m.fallback.has(p)) return this.cpu.match(view, pattern);
    const { tok, childStart } = view.trie;
    const store = view.store;
    const words = m.words;
    const names = pattern.varNames;
    const nv = names.length;
    const hits: MatchHit[] = [];
    let leaves = 0;
    for (let at = m.recStart[p]!, end = at + m.recWords[p]!; at < end; at += 2 + nv + words[at + 1]!) {
      leaves++;
      const leaf = words[at]!;
      const sv = words[at + 1]!;
      for (let c = childStart[leaf]!; c < childStart[leaf + 1]!; c++) {
        const id = tok[c]!;
        if (!store.isAlive(id)) continue;
        const fresh = freshVariablesFor(sv > 0 ? store.varNamesOf(id) : []);
        const sides = { pattern: pattern.tokens, stored: store.tokensOf(id), words, bind0: at + 2, bind1: at + 2 + nv };
        const map = new Map<string, Atom>();
        for (let level = 0; level < nv; level++) {
          if (words[at + 2 + level] === UNBOUND) continue;
          map.set(names[level]!, resolveFromRecord(sides, pattern.firstOffset[level]!, names, fresh, pattern.groundAtoms));
        }
        hits.push({ atomId: id, bindings: new Bindings(map) });
      }
    }
    if (leaves > 1) hits.sort((a, b) => a.atomId - b.atomId);
    return hits;
  }

  /**
   * Runs one batch. The view's trie is matched on the GPU; a view with recent (not yet indexed)
   * atoms is refused — take `space.snapshot()` first. Throws a GpuError subclass when the device is
   * missing, lost or fails; the caller falls back to the CPU.
   */
  async matchCompact(view: SpaceView, patterns: readonly CompiledPattern[]): Promise<CompactMatches> {
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
    this.trieCache?.tok.destroy();
    this.trieCache?.start.destroy();
    this.trieCache = null;
    this.pool.clear();
  }

  private async runBatch(trie: FlatTrie, patterns: readonly KernelPattern[]): Promise<RawMatches> {
    const t0 = performance.now();
    const metrics = newMetrics(patterns.length);
    const ctx = await acquireGpu();
    const limits = this.effectiveLimits(ctx);
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

    // Node indices must stay below 2^31 (the kernel keeps a direction bit beside them).
    const trieFits = trie.childStart.length * 4 <= limits.binding && trie.nodeCount < 0x80000000;
    const eligible: number[] = [];
    for (let p = 0; p < patterns.length; p++) {
      if (!trieFits) noteFallback(p, 'trie-size');
      else if (patterns[p]!.varCount > KERNEL_MAX_VARS) noteFallback(p, 'pattern-variables');
      else eligible.push(p);
    }

    const acquired: GPUBuffer[] = [];
    try {
      if (eligible.length > 0) {
        let t = performance.now();
        const tb = this.trieBuffers(ctx, trie, metrics);
        metrics.uploadMs += performance.now() - t;
        const pipes = pipelinesFor(ctx.device);
        for (const chunk of this.chunks(patterns, eligible, limits)) {
          t = performance.now();
          const n = chunk.indices.length;
          const patTok = this.pool.acquire(ctx, STORAGE_IN, chunk.tok.byteLength, 'patTok');
          const patEnds = this.pool.acquire(ctx, STORAGE_IN, chunk.ends.byteLength, 'patEnds');
          const patInfo = this.pool.acquire(ctx, STORAGE_IN, chunk.info.byteLength, 'patInfo');
          const meta = this.pool.acquire(ctx, STORAGE_OUT, n * 8, 'meta');
          const dummyOut = this.pool.acquire(ctx, STORAGE_OUT, 16, 'out (unused)');
          const params = this.pool.acquire(ctx, UNIFORM, 16, 'params');
          const metaStaging = this.pool.acquire(ctx, STAGING, n * 8, 'meta staging');
          acquired.push(patTok, patEnds, patInfo, meta, dummyOut, params, metaStaging);
          const q = ctx.device.queue;
          q.writeBuffer(patTok, 0, chunk.tok);
          q.writeBuffer(patEnds, 0, chunk.ends);
          q.writeBuffer(patInfo, 0, chunk.info);
          q.writeBuffer(params, 0, new Uint32Array([n, 0, 0, 0]));
          metrics.uploadMs += performance.now() - t;

          // Count pass.
          t = performance.now();
          const bind = (out: GPUBuffer, outBytes: number): GPUBindGroup =>
            ctx.device.createBindGroup({
              layout: pipes.layout,
              entries: [
                { binding: 0, resource: { buffer: tb.tok, size: Math.max(16, trie.tok.length * 4) } },
                { binding: 1, resource: { buffer: tb.start, size: trie.childStart.length * 4 } },
                { binding: 2, resource: { buffer: patTok, size: Math.max(4, chunk.tok.byteLength) } },
                { binding: 3, resource: { buffer: patEnds, size: Math.max(4, chunk.ends.byteLength) } },
                { binding: 4, resource: { buffer: patInfo, size: chunk.info.byteLength } },
                { binding: 5, resource: { buffer: meta, size: n * 8 } },
                { binding: 6, resource: { buffer: out, size: Math.max(4, outBytes) } },
                { binding: 7, resource: { buffer: params, size: 16 } },
              ],
            });
          await this.submit(ctx, 'count', (enc) => {
            const pass = enc.beginComputePass({ label: 'trie-match count' });
            pass.setPipeline(pipes.count);
            pass.setBindGroup(0, bind(dummyOut, 16));
            pass.dispatchWorkgroups(Math.ceil(n / WORKGROUP));
            pass.end();
            enc.copyBufferToBuffer(meta, 0, metaStaging, 0, n * 8);
          });
          metrics.countDispatches++;
          const metaWords = await this.readBack(ctx, metaStaging, n * 8);
          metrics.countMs += performance.now() - t;

          // Prefix sum on the host, and groups whose output fits one binding.
          t = performance.now();
          const maxGroupWords = Math.floor(Math.min(limits.binding, ctx.limits.maxBufferSize) / 4);
          const groups: { first: number; end: number; words: number }[] = [];
          let group = { first: 0, end: 0, words: 0 };
          const local = new Uint32Array(n);
          for (let i = 0; i < n; i++) {
            const p = chunk.indices[i]!;
            const words = metaWords[2 * i]!;
            const flags = metaWords[2 * i + 1]!;
            if (flags !== 0) {
              noteFallback(p, flags & 1 ? 'depth' : flags & 2 ? 'stored-variables' : 'stack');
              continue;
            }
            if (words > maxGroupWords) {
              noteFallback(p, 'output');
              q.writeBuffer(meta, (2 * i + 1) * 4, new Uint32Array([FLAG_OUTPUT]));
              continue;
            }
            if (group.words + words > maxGroupWords) {
              groups.push(group);
              group = { first: i, end: i, words: 0 };
            }
            local[i] = group.words;
            recStart[p] = wordsSoFar;
            recWords[p] = words;
            group.words += words;
            group.end = i + 1;
            wordsSoFar += words;
          }
          groups.push(group);
          metrics.hostMs += performance.now() - t;

          for (const g of groups) {
            if (g.words === 0) continue;
            t = performance.now();
            // Output offsets of this group's patterns, relative to the group's buffer.
            const info = chunk.info.slice(4 * g.first, 4 * Math.max(g.end, g.first + 1));
            for (let i = g.first; i < g.end; i++) info[4 * (i - g.first) + 3] = local[i]!;
            q.writeBuffer(patInfo, 16 * g.first, info);
            q.writeBuffer(params, 0, new Uint32Array([g.end, g.first, 0, 0]));
            const out = this.pool.acquire(ctx, STORAGE_OUT, g.words * 4, 'out');
            const outStaging = this.pool.acquire(ctx, STAGING, g.words * 4, 'out staging');
            acquired.push(out, outStaging);
            metrics.uploadMs += performance.now() - t;
            t = performance.now();
            await this.submit(ctx, 'write', (enc) => {
              const pass = enc.beginComputePass({ label: 'trie-match write' });
              pass.setPipeline(pipes.write);
              pass.setBindGroup(0, bind(out, g.words * 4));
              pass.dispatchWorkgroups(Math.ceil((g.end - g.first) / WORKGROUP));
              pass.end();
            });
            await this.settle(ctx);
            metrics.writeDispatches++;
            metrics.writeMs += performance.now() - t;
            t = performance.now();
            await this.submit(ctx, 'write', (enc) => enc.copyBufferToBuffer(out, 0, outStaging, 0, g.words * 4));
            pieces.push(await this.readBack(ctx, outStaging, g.words * 4));
            metrics.readbackMs += performance.now() - t;
          }
        }
      }
    } catch (e) {
      for (const b of acquired) b.destroy();
      throw this.typed(ctx, e);
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

  private effectiveLimits(ctx: GpuContext): { binding: number; workgroups: number } {
    return {
      binding: Math.min(ctx.limits.maxStorageBufferBindingSize, this.options.maxBindingBytes ?? Infinity),
      workgroups: Math.min(ctx.limits.maxComputeWorkgroupsPerDimension, this.options.maxWorkgroupsPerDispatch ?? Infinity),
    };
  }

  /** Splits the eligible patterns into chunks that fit one count dispatch and its bindings. */
  private *chunks(patterns: readonly KernelPattern[], eligible: readonly number[], limits: { binding: number; workgroups: number }): Generator<ChunkUpload> {
    const maxPatterns = Math.max(1, Math.min(limits.workgroups * WORKGROUP, Math.floor(limits.binding / 16)));
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
      const info = new Uint32Array(indices.length * 4);
      let at = 0;
      for (let i = 0; i < indices.length; i++) {
        const cp = patterns[indices[i]!]!;
        tok.set(cp.tokens, at);
        ends.set(cp.ends, at);
        info[4 * i] = at;
        info[4 * i + 1] = cp.tokens.length;
        info[4 * i + 2] = cp.varCount;
        at += cp.tokens.length;
      }
      yield { indices, tok, ends, info };
    }
  }

  private trieBuffers(ctx: GpuContext, trie: FlatTrie, metrics: GpuBatchMetrics): TrieBuffers {
    const cached = this.trieCache;
    if (cached !== null && cached.ctx === ctx && cached.trie === trie) return cached;
    if (cached !== null) {
      cached.tok.destroy();
      cached.start.destroy();
      this.trieCache = null;
    }
    const tok = uploadU32(ctx.device, trie.tok, STORAGE_IN, 'trie tok');
    const start = uploadU32(ctx.device, trie.childStart, STORAGE_IN, 'trie childStart');
    metrics.trieUploaded = true;
    this.trieCache = { ctx, trie, tok, start };
    return this.trieCache;
  }

  private async submit(ctx: GpuContext, stage: 'count' | 'write', encode: (enc: GPUCommandEncoder) => void): Promise<void> {
    if (ctx.lost !== null) throw ctx.lost;
    const device = ctx.device;
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    const enc = device.createCommandEncoder();
    encode(enc);
    device.queue.submit([enc.finish()]);
    this.options.afterSubmit?.(stage, ctx);
    const validation = await this.orLost(ctx, device.popErrorScope());
    const oom = await this.orLost(ctx, device.popErrorScope());
    if (ctx.lost !== null) throw ctx.lost;
    const err = validation ?? oom;
    if (err) throw new GpuExecutionError(`GPU ${stage} pass failed: ${err.message}`);
  }

  private async settle(ctx: GpuContext): Promise<void> {
    await this.orLost(ctx, ctx.device.queue.onSubmittedWorkDone());
  }

  private async readBack(ctx: GpuContext, staging: GPUBuffer, bytes: number): Promise<Uint32Array> {
    await this.orLost(ctx, staging.mapAsync(GPUMapMode.READ, 0, Math.ceil(bytes / 4) * 4));
    const copy = new Uint32Array(staging.getMappedRange(0, Math.ceil(bytes / 4) * 4).slice(0));
    staging.unmap();
    return copy;
  }

  /** Resolves like `work`, or rejects with the loss as soon as the device is lost (never hangs). */
  private orLost<T>(ctx: GpuContext, work: Promise<T>): Promise<T> {
    if (ctx.lost !== null) {
      work.catch(() => undefined);
      return Promise.reject(ctx.lost);
    }
    return Promise.race([work, lostRejection(ctx)]);
  }

  private typed(ctx: GpuContext, e: unknown): GpuError {
    if (ctx.lost !== null) return ctx.lost;
    if (e instanceof GpuError) return e;
    return new GpuExecutionError(`GPU batch failed: ${(e as Error).message ?? String(e)}`);
  }
}

/**
 * Expands each binding record's leaf into the present atoms stored under it and orders every
 * pattern's hits by insertion id (a leaf's atoms are already ascending; patterns that matched
 * several leaves are merged).
 */
export function expandRaw(view: SpaceView, patterns: readonly CompiledPattern[], raw: RawMatches): CompactMatches {
  const t0 = performance.now();
  const { recStart, recWords, words, fallback, metrics } = raw;
  const { tok, childStart } = view.trie;
  const store = view.store;
  const hitStart = new Uint32Array(patterns.length + 1);
  let ids = new Uint32Array(1024);
  let recs = new Uint32Array(1024);
  let n = 0;
  const push = (id: number, rec: number): void => {
    if (n === ids.length) {
      const grownIds = new Uint32Array(n * 2);
      grownIds.set(ids);
      ids = grownIds;
      const grownRecs = new Uint32Array(n * 2);
      grownRecs.set(recs);
      recs = grownRecs;
    }
    ids[n] = id;
    recs[n++] = rec;
  };
  let keys = new Float64Array(64);
  for (let p = 0; p < patterns.length; p++) {
    hitStart[p] = n;
    if (fallback.has(p)) continue;
    const nv = patterns[p]!.varNames.length;
    const from = n;
    let leaves = 0;
    for (let at = recStart[p]!, end = at + recWords[p]!; at < end; at += 2 + nv + words[at + 1]!) {
      const leaf = words[at]!;
      leaves++;
      for (let c = childStart[leaf]!; c < childStart[leaf + 1]!; c++) {
        const id = tok[c]!;
        if (store.isAlive(id)) push(id, at);
      }
    }
    metrics.records += leaves;
    const count = n - from;
    if (leaves > 1 && count > 1) {
      // Merge by insertion id: pack (id, ordinal) into one exact double and sort numerically.
      metrics.merged++;
      if (keys.length < count) keys = new Float64Array(Math.max(count, keys.length * 2));
      if (count < 1 << 24) {
        for (let k = 0; k < count; k++) keys[k] = ids[from + k]! * 16777216 + k;
        const sorted = keys.subarray(0, count).sort();
        const oldRecs = recs.slice(from, n);
        for (let k = 0; k < count; k++) {
          const key = sorted[k]!;
          const ordinal = key % 16777216;
          ids[from + k] = (key - ordinal) / 16777216;
          recs[from + k] = oldRecs[ordinal]!;
        }
      } else {
        const order = Array.from({ length: count }, (_, k) => k);
        const oldIds = ids.slice(from, n);
        const oldRecs = recs.slice(from, n);
        order.sort((a, b) => oldIds[a]! - oldIds[b]!);
        for (let k = 0; k < count; k++) {
          ids[from + k] = oldIds[order[k]!]!;
          recs[from + k] = oldRecs[order[k]!]!;
        }
      }
    }
  }
  hitStart[patterns.length] = n;
  metrics.results = n;
  metrics.hostMs += performance.now() - t0;
  return { patterns, hitStart, atomIds: ids.slice(0, n), recordAt: recs.slice(0, n), words, recStart, recWords, fallback, metrics };
}

const lostRejections = new WeakMap<GpuContext, Promise<never>>();

/** A promise that rejects with the device's loss (handled, so it never counts as unhandled). */
function lostRejection(ctx: GpuContext): Promise<never> {
  let p = lostRejections.get(ctx);
  if (p === undefined) {
    p = ctx.device.lost.then((info): never => {
      throw ctx.lost ?? new GpuDeviceLostError(`GPU device lost (${info.reason}): ${info.message}`, info.reason);
    });
    p.catch(() => undefined);
    lostRejections.set(ctx, p);
  }
  return p;
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
