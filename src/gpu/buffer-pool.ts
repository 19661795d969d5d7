// GPU buffers: the usages the matcher needs, a size-bucketed pool for per-batch buffers, and the
// cached upload of the trie (one per snapshot).

import type { FlatTrie } from '../space/index.js';
import { type GpuContext, uploadU32 } from './device.js';
import { BufferUsage } from './flags.js';

export const Usage = {
  /** Uploaded inputs. */
  storageIn: BufferUsage.STORAGE | BufferUsage.COPY_DST,
  /** Kernel outputs: copied to staging, and `counts` is patched by the host. */
  storageOut: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
  uniform: BufferUsage.UNIFORM | BufferUsage.COPY_DST,
  staging: BufferUsage.MAP_READ | BufferUsage.COPY_DST,
} as const;

/** Size-bucketed reuse of GPU buffers: sizes round up to a power of two, per usage. */
export class BufferPool {
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

export interface TrieBuffers {
  readonly ctx: GpuContext;
  readonly trie: FlatTrie;
  readonly tok: GPUBuffer;
  readonly start: GPUBuffer;
  /** The trie's LeafPostings.aux once a batch used the list path; until then a 16-byte stand-in. */
  aux: GPUBuffer;
  auxWords: number;
}

/** The uploaded trie, kept until the trie (the space's snapshot) or the device changes. */
export class TrieCache {
  private cached: TrieBuffers | null = null;

  /**
   * The trie's buffers, and whether the trie was uploaded just now; `aux` (leaf-postings.ts) goes
   * up the first time a batch gives it, and stays while the trie does.
   */
  get(ctx: GpuContext, trie: FlatTrie, aux: Uint32Array | null): { buffers: TrieBuffers; uploaded: boolean } {
    const c = this.cached;
    if (c !== null && c.ctx === ctx && c.trie === trie) {
      if (aux !== null && c.auxWords === 0) this.setAux(c, aux);
      return { buffers: c, uploaded: false };
    }
    this.clear();
    const tok = uploadU32(ctx.device, trie.tok, Usage.storageIn, 'trie tok');
    const start = uploadU32(ctx.device, trie.childStart, Usage.storageIn, 'trie childStart');
    const buffers: TrieBuffers = { ctx, trie, tok, start, aux: uploadU32(ctx.device, NO_AUX, Usage.storageIn, 'trie aux (none)'), auxWords: 0 };
    if (aux !== null) this.setAux(buffers, aux);
    this.cached = buffers;
    return { buffers, uploaded: true };
  }

  clear(): void {
    this.cached?.tok.destroy();
    this.cached?.start.destroy();
    this.cached?.aux.destroy();
    this.cached = null;
  }

  private setAux(b: TrieBuffers, aux: Uint32Array): void {
    b.aux.destroy();
    b.aux = uploadU32(b.ctx.device, aux, Usage.storageIn, 'trie aux');
    b.auxWords = aux.length;
  }
}

const NO_AUX = new Uint32Array(4);
