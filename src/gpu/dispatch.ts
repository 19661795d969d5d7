// The two passes of one chunk on the device: upload the chunk's patterns, run count_main and read
// the counts back, then per output group patch the offsets, run write_main and read the records
// back. Submissions per chunk: one for the count pass (with the copy of the counts), and two per
// non-empty output group (the write pass, then the copy of its records); one mapAsync each.

import type { Chunk, OutputGroup } from './batch-plan.js';
import { type BufferPool, type TrieBuffers, Usage } from './buffer-pool.js';
import type { GpuContext } from './device.js';
import { bindGroupEntries, Flag, Params, PatCount, PatInfo, WORKGROUP_SIZE } from './kernel-layout.js';
import type { Pipelines } from './pipelines.js';
import { readBack, settle, type Stage, submit } from './submit.js';
import type { GpuBatchMetrics } from './types.js';

export interface DispatchEnv {
  readonly ctx: GpuContext;
  readonly pool: BufferPool;
  readonly pipes: Pipelines;
  readonly trie: TrieBuffers;
  readonly metrics: GpuBatchMetrics;
  /** Every buffer taken from the pool, so the batch can return (or, on failure, destroy) them. */
  readonly acquired: GPUBuffer[];
  readonly afterSubmit: ((stage: Stage, ctx: GpuContext) => void) | undefined;
  /** Run the count pass that fills the work counters. */
  readonly workCounters: boolean;
}

export class ChunkDispatch {
  private readonly n: number;
  private readonly patTok: GPUBuffer;
  private readonly patEnds: GPUBuffer;
  private readonly patInfo: GPUBuffer;
  private readonly counts: GPUBuffer;
  private readonly params: GPUBuffer;

  constructor(
    private readonly env: DispatchEnv,
    private readonly chunk: Chunk,
  ) {
    const t = performance.now();
    this.n = chunk.indices.length;
    this.patTok = this.take(Usage.storageIn, chunk.tok.byteLength, 'patTok');
    this.patEnds = this.take(Usage.storageIn, chunk.ends.byteLength, 'patEnds');
    this.patInfo = this.take(Usage.storageIn, chunk.info.byteLength, 'patInfo');
    this.counts = this.take(Usage.storageOut, this.n * PatCount.bytes, 'counts');
    this.params = this.take(Usage.uniform, Params.bytes, 'params');
    const q = env.ctx.device.queue;
    q.writeBuffer(this.patTok, 0, chunk.tok);
    q.writeBuffer(this.patEnds, 0, chunk.ends);
    q.writeBuffer(this.patInfo, 0, chunk.info);
    env.metrics.uploadMs += performance.now() - t;
  }

  /** Runs count_main over the chunk; resolves to its PatCount words. */
  async count(): Promise<Uint32Array> {
    const { ctx, pipes, metrics } = this.env;
    const bytes = this.n * PatCount.bytes;
    const unusedOut = this.take(Usage.storageOut, 16, 'out (unused)');
    const staging = this.take(Usage.staging, bytes, 'counts staging');
    ctx.device.queue.writeBuffer(this.params, 0, Params.pack({ patternCount: this.n, firstPattern: 0 }));
    const t = performance.now();
    await submit(
      ctx,
      'count',
      (enc) => {
        computePass(enc, 'trie-match count', pipes.count(this.env.workCounters), this.bindGroup(unusedOut, 16), this.n);
        enc.copyBufferToBuffer(this.counts, 0, staging, 0, bytes);
      },
      this.env.afterSubmit,
    );
    metrics.countDispatches++;
    const counts = await readBack(ctx, staging, bytes);
    metrics.countMs += performance.now() - t;
    return counts;
  }

  /** Makes the write pass skip chunk pattern i (its output does not fit one binding). */
  skipInWritePass(i: number): void {
    this.env.ctx.device.queue.writeBuffer(this.counts, (i * PatCount.words + PatCount.at.flags) * 4, new Uint32Array([Flag.OUTPUT]));
  }

  /** Runs write_main over one output group (offsets relative to the group); resolves to its records. */
  async write(g: OutputGroup, offset: Uint32Array): Promise<Uint32Array> {
    const { ctx, pipes, metrics } = this.env;
    let t = performance.now();
    const q = ctx.device.queue;
    const info = this.chunk.info.slice(PatInfo.words * g.first, PatInfo.words * g.end);
    for (let i = g.first; i < g.end; i++) info[PatInfo.words * (i - g.first) + PatInfo.at.outOffset] = offset[i]!;
    q.writeBuffer(this.patInfo, PatInfo.bytes * g.first, info);
    q.writeBuffer(this.params, 0, Params.pack({ patternCount: g.end, firstPattern: g.first }));
    const bytes = g.words * 4;
    const out = this.take(Usage.storageOut, bytes, 'out');
    const staging = this.take(Usage.staging, bytes, 'out staging');
    metrics.uploadMs += performance.now() - t;
    t = performance.now();
    await submit(
      ctx,
      'write',
      (enc) => {
        computePass(enc, 'trie-match write', pipes.write, this.bindGroup(out, bytes), g.end - g.first);
      },
      this.env.afterSubmit,
    );
    await settle(ctx);
    metrics.writeDispatches++;
    metrics.writeMs += performance.now() - t;
    t = performance.now();
    await submit(ctx, 'write', (enc) => enc.copyBufferToBuffer(out, 0, staging, 0, bytes), this.env.afterSubmit);
    const records = await readBack(ctx, staging, bytes);
    metrics.readbackMs += performance.now() - t;
    return records;
  }

  private bindGroup(out: GPUBuffer, outBytes: number): GPUBindGroup {
    const { ctx, pipes, trie } = this.env;
    const c = this.chunk;
    return ctx.device.createBindGroup({
      layout: pipes.layout,
      entries: bindGroupEntries({
        trieTok: { buffer: trie.tok, size: Math.max(16, trie.trie.tok.length * 4) },
        trieStart: { buffer: trie.start, size: trie.trie.childStart.length * 4 },
        trieAux: { buffer: trie.aux, size: Math.max(16, trie.auxWords * 4) },
        patTok: { buffer: this.patTok, size: Math.max(4, c.tok.byteLength) },
        patEnds: { buffer: this.patEnds, size: Math.max(4, c.ends.byteLength) },
        patInfo: { buffer: this.patInfo, size: c.info.byteLength },
        counts: { buffer: this.counts, size: this.n * PatCount.bytes },
        out: { buffer: out, size: Math.max(4, outBytes) },
        params: { buffer: this.params, size: Params.bytes },
      }),
    });
  }

  private take(usage: number, bytes: number, label: string): GPUBuffer {
    const b = this.env.pool.acquire(this.env.ctx, usage, bytes, label);
    this.env.acquired.push(b);
    return b;
  }
}

/** One compute pass of `pipeline` over `invocations` patterns (one invocation each). */
function computePass(enc: GPUCommandEncoder, label: string, pipeline: GPUComputePipeline, group: GPUBindGroup, invocations: number): void {
  const pass = enc.beginComputePass({ label });
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  pass.dispatchWorkgroups(Math.ceil(invocations / WORKGROUP_SIZE));
  pass.end();
}
