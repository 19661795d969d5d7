// Answers one batch of the evaluator's space queries — `match` patterns and rule lookups, from
// every branch of every form being evaluated — on the path the scheduler picks for the batch's
// size: the CPU (trie matcher, rule index) or the GPU (one dispatch per space). A rule lookup on
// the GPU is the pattern `(= CALL $result#)`, the query the rule index answers identically
// (test/cpu/rule-lookup.test.ts). When the GPU cannot be opened or fails, the scheduler drops it
// and the CPU answers this batch and every later one: nothing was delivered from the failed
// dispatch, so results are the same either way.

import { type Bindings } from '../core/bindings.js';
import { log } from '../core/log.js';
import { conjuncts, type MatchHit, RULE_RESULT, type RuleAnswer, ruleQueryPattern } from '../cpu/index.js';
import type { Environment } from '../eval/environment.js';
import type { PendingQuery } from '../eval/machine.js';
import { GpuError } from '../gpu/errors.js';
import type { AtomSpace } from '../space/atom-space.js';
import type { Atom } from '../core/atoms.js';
import type { Scheduler } from './scheduler.js';

/** A query a machine waits on (fan-out requests are the driver's own business). */
export type SpaceQuery = Extract<PendingQuery, { readonly kind: 'match' | 'rules' }>;
/** Bindings for a `match` query, rule answers for a rule lookup. */
export type SpaceAnswer = Bindings[] | RuleAnswer[];

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

export class BatchAnswerer {
  readonly stats: AnswererStats = { batches: 0, queries: 0, matches: 0, ruleLookups: 0, largest: 0, gpuQueries: 0, gpuFailure: null };
  private gpu: GpuBackend | null = null;

  constructor(
    private readonly env: Environment,
    readonly scheduler: Scheduler,
    /** Opens the GPU the first time the scheduler picks it; throws a GpuError when there is none. */
    private readonly openGpu: (() => GpuBackend) | null,
    /** Told once, when the GPU cannot be opened or fails (`--gpu on` warns; `auto` logs). */
    private readonly onGpuFailure: (message: string) => void = (m) => log('info', `gpu: ${m}; answering on the CPU`),
  ) {
    if (openGpu === null) scheduler.drop('gpu');
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
    const decision = this.scheduler.choose(queries.length);
    const started = performance.now();
    let answers = decision.path === 'gpu' ? this.onGpu(queries) : null;
    if (answers === null) answers = this.onCpu(queries);
    else s.gpuQueries += queries.length;
    this.scheduler.measured(decision, performance.now() - started);
    return answers;
  }

  private onCpu(queries: readonly SpaceQuery[]): SpaceAnswer[] {
    const env = this.env;
    const out: SpaceAnswer[] = new Array(queries.length);
    for (let i = 0; i < queries.length; i++) {
      const q = queries[i]!;
      out[i] = q.kind === 'match' ? env.querySync(q.space, q.pattern) : env.rulesSync(q.space, q.call);
    }
    return out;
  }

  /** One dispatch per space; conjunctions are joined on the CPU. Null when the GPU is unusable. */
  private onGpu(queries: readonly SpaceQuery[]): SpaceAnswer[] | null {
    const gpu = this.ensureGpu();
    if (gpu === null) return null;
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
        const patterns = indices.map((i) => {
          const q = queries[i]!;
          return q.kind === 'match' ? q.pattern : ruleQueryPattern(q.call);
        });
        const hits = gpu.matchAll(space, patterns);
        indices.forEach((i, k) => {
          const q = queries[i]!;
          out[i] = q.kind === 'match' ? hits[k]!.map((h) => h.bindings) : ruleAnswers(hits[k]!);
        });
      }
    } catch (e) {
      if (!(e instanceof GpuError)) throw e;
      this.fail(`${e.name}: ${e.message}`);
      return null;
    }
    return out as SpaceAnswer[];
  }

  private ensureGpu(): GpuBackend | null {
    if (this.gpu !== null) return this.gpu;
    if (this.openGpu === null) return null;
    try {
      this.gpu = this.openGpu();
      return this.gpu;
    } catch (e) {
      if (!(e instanceof GpuError)) throw e;
      this.fail(e.message);
      return null;
    }
  }

  private fail(message: string): void {
    this.stats.gpuFailure = message;
    this.scheduler.drop('gpu');
    this.closing = this.gpu?.close() ?? undefined;
    this.gpu = null;
    this.onGpuFailure(message);
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
  async close(): Promise<void> {
    const gpu = this.gpu;
    this.gpu = null;
    await this.closing;
    await gpu?.close();
  }
  private closing: Promise<void> | void = undefined;
}

/**
 * The rule answers of the hits of `(= CALL $result#)`: the rule's instantiated body, and what the
 * rule binds in the call. A hit that leaves the result unbound (a stored bare `$x`) names no rule.
 */
function ruleAnswers(hits: readonly MatchHit[]): RuleAnswer[] {
  const out: RuleAnswer[] = [];
  for (const hit of hits) {
    if (hit.bindings.lookup(RULE_RESULT.name) === undefined) continue;
    out.push({ atom: hit.bindings.resolve(RULE_RESULT), bindings: hit.bindings.without(RULE_RESULT.name) });
  }
  return out;
}
