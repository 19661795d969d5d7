// Answers one batch of the evaluator's space queries — `match` patterns and rule lookups, from
// every branch of every form being evaluated — through the scheduler's one answering policy
// (scheduler/answerer.ts): the path it picks for the batch's size answers, the CPU (trie matcher,
// rule index) or the GPU (one dispatch per space). A rule lookup on the GPU is the pattern
// `(= CALL $result#)`, the query the rule index answers identically (test/cpu/rule-lookup.test.ts).
// A GPU that cannot be opened or fails is dropped; the CPU answers that batch and every later one,
// and since nothing was delivered from the failed dispatch, results are the same either way.

import type { Atom } from '../core/index.js';
import type { Bindings } from '../core/index.js';
import { log } from '../core/index.js';
import { conjuncts, fireRulesAt, type MatchHit, type RuleAnswer, ruleQueryPattern } from '../cpu/index.js';
import type { Environment } from '../eval/index.js';
import type { PendingQuery } from '../eval/index.js';
import { GpuError } from '../gpu/index.js';
import { type Backend, BackendFailure } from '../scheduler/index.js';
import { ScheduledAnswerer } from '../scheduler/index.js';
import type { Scheduler } from '../scheduler/index.js';
import type { AtomSpace } from '../space/index.js';

/** A query a machine waits on (fan-out requests are the driver's own business). */
export type SpaceQuery = Extract<PendingQuery, { readonly kind: 'match' | 'rules' }>;
/** Bindings for a `match` query, rule answers for a rule lookup. */
export type SpaceAnswer = Bindings[] | RuleAnswer[];
type QueryBatch = readonly SpaceQuery[];

/** What the GPU path needs: one dispatch of plain patterns against a space. */
export interface GpuBackend {
  readonly adapter: string;
  matchAll(space: AtomSpace, patterns: readonly Atom[]): MatchHit[][];
  /** Settles when the device and its thread are gone. */
  close(): Promise<void> | void;
}

export interface AnswererStats {
  /** Batches answered, queries in them, and the largest batch. */
  batches: number;
  queries: number;
  matches: number;
  ruleLookups: number;
  largest: number;
  /** Queries answered on the GPU. */
  gpuQueries: number;
  /** Why the GPU stopped being used, when it did. */
  gpuFailure: string | null;
}

/** The CPU answers through the environment, as the sequential interpreter does. */
class CpuQueries implements Backend<QueryBatch, SpaceAnswer[]> {
  readonly path = 'cpu';
  constructor(private readonly env: Environment) {}
  answer(queries: QueryBatch): SpaceAnswer[] {
    const out: SpaceAnswer[] = new Array(queries.length);
    for (let i = 0; i < queries.length; i++) {
      const q = queries[i]!;
      out[i] = q.kind === 'match' ? this.env.querySync(q.space, q.pattern) : this.env.rulesSync(q.space, q.call);
    }
    return out;
  }
  close(): void {}
}

/** The GPU, opened the first time a batch is sent to it: one dispatch per space; conjunctions joined on the CPU. */
class GpuQueries implements Backend<QueryBatch, SpaceAnswer[]> {
  readonly path = 'gpu';
  private gpu: GpuBackend | null = null;
  constructor(
    private readonly env: Environment,
    private readonly open: () => GpuBackend,
  ) {}

  answer(queries: QueryBatch): SpaceAnswer[] {
    try {
      this.gpu ??= this.open();
    } catch (e) {
      throw asFailure(e, false);
    }
    const out: (SpaceAnswer | undefined)[] = new Array(queries.length);
    const bySpace = new Map<AtomSpace, number[]>();
    for (let i = 0; i < queries.length; i++) {
      const q = queries[i]!;
      if (q.kind === 'match' && conjuncts(q.pattern) !== null) {
        out[i] = this.env.querySync(q.space, q.pattern);
        continue;
      }
      const list = bySpace.get(q.space);
      if (list === undefined) bySpace.set(q.space, [i]);
      else list.push(i);
    }
    try {
      for (const [space, indices] of bySpace) {
        const hits = this.gpu.matchAll(
          space,
          indices.map((i) => {
            const q = queries[i]!;
            return q.kind === 'match' ? q.pattern : ruleQueryPattern(q.call);
          }),
        );
        indices.forEach((i, k) => {
          const q = queries[i]!;
          // A rule query's hits are the rules that apply; each is fired as the CPU fires it, so the
          // bindings (which of two variables names the other) are the CPU's.
          out[i] = q.kind === 'match' ? hits[k]!.map((h) => h.bindings) : fireRulesAt(space.store, hits[k]!.map((h) => h.atomId), q.call);
        });
      }
    } catch (e) {
      throw asFailure(e, true);
    }
    return out as SpaceAnswer[];
  }

  async close(): Promise<void> {
    const gpu = this.gpu;
    this.gpu = null;
    await gpu?.close();
  }
}

/** A GpuError becomes the failure that drops the GPU (a dispatch's named by its kind); anything else is a bug and propagates. */
function asFailure(e: unknown, dispatching: boolean): unknown {
  return e instanceof GpuError ? new BackendFailure('gpu', dispatching ? `${e.name}: ${e.message}` : e.message, { cause: e }) : e;
}

export class BatchAnswerer {
  readonly stats: AnswererStats = { batches: 0, queries: 0, matches: 0, ruleLookups: 0, largest: 0, gpuQueries: 0, gpuFailure: null };
  private readonly answerer: ScheduledAnswerer<QueryBatch, SpaceAnswer[]>;

  constructor(
    env: Environment,
    readonly scheduler: Scheduler,
    /** Opens the GPU the first time the scheduler picks it; throws a GpuError when there is none. */
    openGpu: (() => GpuBackend) | null,
    /** Told once, when the GPU cannot be opened or fails (`--gpu on` warns; `auto` logs). */
    onGpuFailure: (message: string) => void = (m) => log('info', `gpu: ${m}; answering on the CPU`),
  ) {
    this.answerer = new ScheduledAnswerer(scheduler, new CpuQueries(env), openGpu === null ? [] : [new GpuQueries(env, openGpu)], {
      size: (queries) => queries.length,
      onFailure: (_path, reason) => {
        this.stats.gpuFailure = reason;
        onGpuFailure(reason);
      },
    });
  }

  /**
   * Whether a lone query goes to the CPU: then a machine evaluating alone (nothing to batch its
   * queries with) may look its rules up inline, at the sequential interpreter's speed.
   */
  loneQueriesOnCpu(): boolean {
    return this.scheduler.preferred(1) === 'cpu';
  }

  /** The answers to `queries`, in order, exactly as the CPU would give them. */
  answer(queries: readonly SpaceQuery[]): SpaceAnswer[] {
    const s = this.stats;
    s.batches++;
    s.queries += queries.length;
    if (queries.length > s.largest) s.largest = queries.length;
    for (let i = 0; i < queries.length; i++) {
      if (queries[i]!.kind === 'match') s.matches++;
      else s.ruleLookups++;
    }
    const { answers, path } = this.answerer.answerSync(queries);
    if (path === 'gpu') s.gpuQueries += queries.length;
    return answers;
  }

  /** One line for the metrics and the log: batches, queries, and where they were answered. */
  summary(): string {
    const s = this.stats;
    return (
      `${s.batches} query batch(es), ${s.queries} queries (${s.matches} matches, ${s.ruleLookups} rule lookups), largest ${s.largest}; ` +
      `${s.gpuQueries} answered on the GPU${s.gpuFailure !== null ? ` (GPU dropped: ${s.gpuFailure})` : ''}; ${this.scheduler.summary()}`
    );
  }

  /** Closes the GPU if it was opened; settles when its thread is gone. */
  close(): Promise<void> {
    return this.answerer.close();
  }
}

