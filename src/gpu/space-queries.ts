// Batches of match patterns against a space, answered by the GPU for a synchronous caller (the
// batched evaluator steps its machines in a synchronous loop): one dispatch per batch and space,
// through the GPU thread (sync-client.ts), hits materialized here in the CPU matcher's order.

import type { Atom } from '../core/index.js';
import { log } from '../core/index.js';
import { CompiledPattern, type MatchHit } from '../cpu/index.js';
import type { AtomSpace } from '../space/index.js';
import { expandRaw, GpuMatcher, kernelPattern } from './matcher.js';
import { GpuSyncClient } from './sync-client.js';

export interface GpuSpaceQueryStats {
  /** Dispatches made, and the patterns they carried. */
  batches: number;
  patterns: number;
  /** Patterns of those dispatches that the kernel left to the CPU (kernel limits). */
  kernelFallbacks: number;
}

export class GpuSpaceQueries {
  readonly stats: GpuSpaceQueryStats = { batches: 0, patterns: 0, kernelFallbacks: 0 };
  private readonly client: GpuSyncClient;
  /** Materializes hits (and runs the kernel's CPU fallbacks); never opens a device itself. */
  private readonly host = new GpuMatcher();

  /** Starts the GPU thread and opens the device; throws a GpuError when there is none. */
  constructor() {
    this.client = new GpuSyncClient();
    log('info', `GPU adapter: ${this.client.adapter}`);
  }

  get adapter(): string {
    return this.client.adapter;
  }

  /**
   * The hits of each plain pattern (no conjunctions) against `space`, in one dispatch, each list in
   * the CPU matcher's order. Throws a GpuError when the device fails; nothing is half-answered.
   */
  matchAll(space: AtomSpace, patterns: readonly Atom[]): MatchHit[][] {
    const view = space.snapshot();
    const compiled = patterns.map((p) => new CompiledPattern(p));
    const raw = this.client.runRaw(view.trie, compiled.map(kernelPattern));
    const matches = expandRaw(view, compiled, raw);
    this.stats.batches++;
    this.stats.patterns += patterns.length;
    this.stats.kernelFallbacks += raw.fallback.size;
    const m = raw.metrics;
    log(
      'debug',
      `gpu batch: ${patterns.length} patterns, ${m.results} results, ${raw.fallback.size} on the CPU (kernel limits); ` +
        `upload ${m.uploadMs.toFixed(2)} ms, count ${m.countMs.toFixed(2)} ms, write ${m.writeMs.toFixed(2)} ms, readback ${m.readbackMs.toFixed(2)} ms`,
    );
    return compiled.map((_, p) => this.host.hitsOf(view, matches, p));
  }

  /** Destroys the device and ends the GPU thread (safe to call twice); settles when the thread is gone. */
  close(): Promise<void> {
    return this.client.close();
  }
}
