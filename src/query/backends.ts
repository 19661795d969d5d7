// The backends that answer a batch of bulk patterns (scheduler/backend.ts), one per path:
//
// - `CpuPatterns`: the trie matcher on this thread (`queryBatch`: conjunctions joined as `match`
//   joins them);
// - `GpuPatterns`: plain patterns in one GPU batch (`GpuMatcher`), conjunctions on the CPU; the
//   `webgpu` module is loaded only when it is opened;
// - `FormattedLines`: either of those, its answers printed as `metta query` prints them;
// - `PoolLines`: the worker pool, whose threads print the lines themselves.
//
// All answer exactly what the CPU answers, in pattern order; the scheduler's answerer
// (scheduler/answerer.ts) chooses between them and handles their failures.

import type { Atom } from '../core/index.js';
import type { Bindings } from '../core/index.js';
import { CompiledPattern, conjuncts, query, queryBatch } from '../cpu/index.js';
import { type Backend, BackendFailure } from '../scheduler/index.js';
import type { SpaceSnapshot, SpaceView } from '../space/index.js';
import { type AnswerFormat, type BulkPattern, formatAnswer } from './bulk.js';

/** The bindings of every match of each pattern, in pattern order (each in `match` order). */
export type PatternBackend = Backend<readonly Atom[], Bindings[][]>;

/** The CPU's matcher over a view: the live index (`metta query`) or a frozen trie (benchmarks). */
export class CpuPatterns implements PatternBackend {
  readonly path = 'cpu';
  constructor(readonly view: SpaceView) {}
  answer(patterns: readonly Atom[]): Bindings[][] {
    return queryBatch(this.view, patterns);
  }
  close(): void {}
}

type GpuModule = typeof import('../gpu/index.js');

export class GpuPatterns implements PatternBackend {
  readonly path = 'gpu';
  private constructor(
    readonly view: SpaceSnapshot,
    private readonly mod: GpuModule,
    private gpu: InstanceType<GpuModule['GpuMatcher']> | null,
    /** The adapter's name. */
    readonly adapter: string,
  ) {}

  /** Opens the GPU over `view`; a BackendFailure (permanent) when there is no adapter. */
  static async open(view: SpaceSnapshot): Promise<GpuPatterns> {
    const mod = await import('../gpu/index.js');
    try {
      const gpu = new mod.GpuMatcher();
      return new GpuPatterns(view, mod, gpu, await gpu.adapterName());
    } catch (e) {
      if (!(e instanceof mod.GpuError)) throw e;
      await mod.closeGpu();
      throw new BackendFailure('gpu', e.message, { cause: e });
    }
  }

  async answer(patterns: readonly Atom[]): Promise<Bindings[][]> {
    const gpu = this.gpu;
    if (gpu === null) throw new BackendFailure('gpu', 'the GPU matcher is closed');
    const plain: number[] = [];
    patterns.forEach((p, i) => {
      if (conjuncts(p) === null) plain.push(i);
    });
    try {
      const compiled = plain.map((i) => new CompiledPattern(patterns[i]!));
      const m = compiled.length === 0 ? null : await gpu.matchCompact(this.view, compiled);
      const out: Bindings[][] = new Array(patterns.length);
      let k = 0;
      for (let i = 0; i < patterns.length; i++) {
        if (plain[k] === i) out[i] = gpu.hitsOf(this.view, m!, k++).map((h) => h.bindings);
        else out[i] = query(this.view, patterns[i]!);
      }
      return out;
    } catch (e) {
      if (!(e instanceof this.mod.GpuError)) throw e;
      throw new BackendFailure('gpu', `${e.name}: ${e.message}`, { cause: e });
    }
  }

  /** Frees the GPU's buffers and closes the device (the process cannot exit while it is open). */
  async close(): Promise<void> {
    this.gpu?.dispose();
    this.gpu = null;
    await this.mod.closeGpu();
  }
}

/** A batch of bulk patterns to answer as printed lines, numbered from `firstIndex`. */
export interface LineBatch {
  readonly patterns: readonly BulkPattern[];
  readonly firstIndex: number;
  readonly format: AnswerFormat;
}

export type LineBackend = Backend<LineBatch, string[]>;

/** Counts shared by the backends of one run (for `--log info`). */
export interface LineCounts {
  /** Results printed by the backends that answer on this thread (the pool's threads do not count theirs). */
  results: number;
}

/** A pattern backend whose answers are printed here. */
export class FormattedLines implements LineBackend {
  get path(): PatternBackend['path'] {
    return this.inner.path;
  }

  constructor(
    readonly inner: PatternBackend,
    private readonly counts: LineCounts = { results: 0 },
  ) {}

  async answer(batch: LineBatch): Promise<string[]> {
    const answers = await this.inner.answer(batch.patterns.map((p) => p.pattern));
    const lines: string[] = new Array(answers.length);
    for (let k = 0; k < answers.length; k++) {
      this.counts.results += answers[k]!.length;
      lines[k] = formatAnswer(batch.firstIndex + k, batch.patterns[k]!, answers[k]!, batch.format);
    }
    return lines;
  }

  close(): Promise<void> | void {
    return this.inner.close();
  }
}

/** The worker pool's face for `metta query`: the printed lines of a batch, or null to answer it on this thread. */
export interface QueryPool {
  answer(patterns: readonly BulkPattern[], firstIndex: number, format: AnswerFormat): Promise<string[] | null>;
  readonly batches: number;
  /** The pool could not start (a lazy pool whose worker is not built): it is dropped. */
  readonly unavailable?: boolean;
  close(): Promise<void>;
}

export class PoolLines implements LineBackend {
  readonly path = 'pool';
  constructor(readonly pool: QueryPool) {}

  async answer(batch: LineBatch): Promise<string[]> {
    const lines = await this.pool.answer(batch.patterns, batch.firstIndex, batch.format);
    if (lines !== null) return lines;
    if (this.pool.unavailable === true) throw new BackendFailure('pool', 'the worker pool could not start');
    // A pattern that cannot leave this thread, or a slice a worker could not answer: this batch only.
    throw new BackendFailure('pool', 'the batch could not be answered on the worker threads', { permanent: false });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
