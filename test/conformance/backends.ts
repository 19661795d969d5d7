// The backends of the conformance harness (test/conformance/*.test.ts): every way this engine can
// run a MeTTa program, and every way it can answer a batch of match patterns. One corpus and one
// property suite run against each, as tfjs-backend-webgpu and onnxruntime-web run one op suite
// against every backend. Exclusions (and why) are in exclusions.ts.
//
// Everything comes from the library's entry point (src/index.ts) except the two imports marked
// below; this is the only conformance file that names a module path, so when one moves, its
// import here is the one line to change.

import { dirname } from 'node:path';
import {
  type Atom,
  type Bindings,
  conjuncts,
  type MatchHit,
  matchBatch,
  matchConjunction,
  matchPattern,
  naiveMatch,
  Parser,
  Program,
  query,
  type AtomSpace,
  type SpaceView,
  isIndexedView,
  BatchAnswerer,
  compiledTierStats,
  type BulkPattern,
  DEFAULT_COST_MODEL,
  formatAnswer,
  type GpuBackend,
  Scheduler,
} from '../../src/index.js';
import { runParallelText, runProgramText } from '../helpers/run-program.js';
// The `metta query` worker pool and the lockstep runner, named by their folders.
import { QueryWorkerPool } from '../../src/query/index.js';
import { BatchedRunner } from '../../src/runner/batched.js';
import { MockGpu } from '../gpu/mock-device.js';

export const inCi = process.env['CI'] === 'true' || process.env['CI'] === '1';

/** What a backend does when it is not available: fail in CI when it must exist there, else skip loudly. */
export function unavailable(ctx: { skip(): void }, name: string, why: string, requiredInCi: boolean): void {
  if (requiredInCi && inCi) throw new Error(`CI=true but backend ${name} is unavailable: ${why} (install mesa-vulkan-drivers from bookworm-backports, see .ci/run)`);
  console.warn(`\n!!! CONFORMANCE BACKEND ${name} SKIPPED: ${why} !!!\n`);
  ctx.skip();
}

// ---------------------------------------------------------------------------------------------
// Programs

export interface ProgramRun {
  readonly out: string;
  readonly err: string;
  readonly exitCode: number;
  /** Fallbacks the backend took (a GPU failure answered on the CPU): must be empty for the run to count. */
  readonly fallbacks: readonly string[];
}

export interface ProgramBackend {
  readonly name: ProgramBackendName;
  /** Must be available in CI (a missing one fails there instead of skipping). */
  readonly requiredInCi: boolean;
  /** Opens what the backend needs; null when available, else why not. */
  open(): Promise<string | null>;
  /** Runs `text` (read from `file`, imports relative to its folder) as `metta --keep-going FILE` would. */
  run(text: string, file: string): Promise<ProgramRun>;
  /** How much work the backend itself did so far, and what is counted: proof that it really ran. */
  evidence(): { readonly count: number; readonly what: string };
  close(): Promise<void>;
}

export const PROGRAM_BACKENDS = ['sequential', 'interpreted', 'pool', 'batched-cpu', 'batched-gpu-standin', 'gpu'] as const;
export type ProgramBackendName = (typeof PROGRAM_BACKENDS)[number];

interface Captured {
  out: string;
  err: string;
}

function newProgram(file: string): { program: Program; c: Captured } {
  const c: Captured = { out: '', err: '' };
  const program = new Program({ stdout: (t) => (c.out += t), stderr: (t) => (c.err += t), currentDir: dirname(file) });
  return { program, c };
}

/**
 * The sequential interpreter (`interpreted`: with the compiled tier off, `pragma! compiled-rules
 * False`, every call through the interpreter's frames — the answer the tier must reproduce; a run
 * during which the tier answered anything then counts as a fallback).
 */
class SequentialBackend implements ProgramBackend {
  readonly requiredInCi = true;
  private runs = 0;
  constructor(readonly name: 'sequential' | 'interpreted') {}
  async open(): Promise<string | null> {
    return null;
  }
  async run(text: string, file: string): Promise<ProgramRun> {
    const compiledRules = this.name === 'sequential';
    const answeredBefore = compiledTierStats.answered;
    const r = runProgramText(text, file, (program) => {
      program.env.settings.compiledRules = compiledRules;
    });
    this.runs++;
    const answered = compiledTierStats.answered - answeredBefore;
    return { ...r, fallbacks: !compiledRules && answered > 0 ? [`the compiled tier answered ${answered} calls`] : [] };
  }
  evidence(): { count: number; what: string } {
    return { count: this.runs, what: this.name === 'sequential' ? 'Program.run calls' : 'Program.run calls with the compiled tier off' };
  }
  async close(): Promise<void> {}
}

/** The parallel runner on 2 workers (this thread and one pool thread), started and ready before each program; no inline budget, start-up or copy cost. */
class PoolBackend implements ProgramBackend {
  readonly name = 'pool';
  readonly requiredInCi = true;
  private pooled = 0;
  async open(): Promise<string | null> {
    return null;
  }
  async run(text: string, file: string): Promise<ProgramRun> {
    // The calling thread takes no queued form (it would finish these tiny forms before the thread
    // starts one): every form after a batch's first is evaluated on the pool thread.
    const { out, err, exitCode, runner } = await runParallelText(text, file, { ownerTakesTasks: false });
    this.pooled += runner.metrics.batches.reduce((n, b) => n + b.pooled, 0);
    return { out, err, exitCode, fallbacks: [] };
  }
  evidence(): { count: number; what: string } {
    return { count: this.pooled, what: 'forms evaluated on pool workers' };
  }
  async close(): Promise<void> {}
}

/** The GPU stand-in of batched evaluation: every dispatch answered by the CPU trie matcher (the GPU path's conversions, no device). */
class StandInGpu implements GpuBackend {
  readonly adapter = 'stand-in';
  dispatches = 0;
  matchAll(space: AtomSpace, patterns: readonly Atom[]): MatchHit[][] {
    this.dispatches++;
    const view = space.snapshot();
    return patterns.map((p) => matchPattern(view, p));
  }
  close(): void {}
}

type GpuModule = typeof import('../../src/gpu/index.js');

/**
 * Lockstep batched evaluation (`metta run --gpu`): every step's space queries answered as one batch
 * by `answerer`: the CPU, the stand-in GPU, or the real device (the scheduler forced to the GPU).
 */
class BatchedBackend implements ProgramBackend {
  // In CI the device must exist (lavapipe): a missing adapter fails there, as test/gpu's noGpu does.
  readonly requiredInCi = true;
  private gpu: GpuBackend | null = null;
  private count = 0;

  constructor(readonly name: 'batched-cpu' | 'batched-gpu-standin' | 'gpu') {}

  async open(): Promise<string | null> {
    if (this.name === 'batched-gpu-standin') this.gpu = new StandInGpu();
    if (this.name !== 'gpu') return null;
    // The device is opened only by the GPU thread of GpuSpaceQueries: Dawn on the vitest thread
    // as well has been seen to abort the worker at exit under lavapipe (test/gpu/helpers.ts).
    const mod = await import('../../src/gpu/index.js');
    try {
      this.gpu = new mod.GpuSpaceQueries();
    } catch (e) {
      if (!(e instanceof mod.GpuError)) throw e;
      return e.message;
    }
    return null;
  }

  async run(text: string, file: string): Promise<ProgramRun> {
    const { program, c } = newProgram(file);
    const fallbacks: string[] = [];
    const answerer =
      this.gpu === null
        ? new BatchAnswerer(program.env, new Scheduler(DEFAULT_COST_MODEL, ['cpu']), null)
        : new BatchAnswerer(program.env, new Scheduler(DEFAULT_COST_MODEL, ['cpu', 'gpu'], 'gpu', false), () => this.gpu!, (m) => fallbacks.push(m));
    const exitCode = new BatchedRunner(program.env, answerer).run(new Parser(text, file, program.env.tokens), {
      keepGoing: true,
      emit: (r) => {
        if (r.kind === 'results') c.out += r.line + '\n';
        else if (r.kind === 'stderr') c.err += r.text;
      },
    });
    // Evidence: the answerer's batches on the CPU; on the GPU paths, the queries the GPU answered.
    this.count += this.gpu === null ? answerer.stats.batches : answerer.stats.gpuQueries;
    return { ...c, exitCode, fallbacks };
  }

  evidence(): { count: number; what: string } {
    if (this.name === 'batched-cpu') return { count: this.count, what: 'query batches answered by the batch answerer on the CPU' };
    const what = this.name === 'gpu' ? 'queries answered by the device' : 'queries answered by the stand-in GPU backend';
    return { count: this.count, what };
  }

  async close(): Promise<void> {
    await this.gpu?.close();
  }
}

export function programBackend(name: ProgramBackendName): ProgramBackend {
  switch (name) {
    case 'sequential':
    case 'interpreted':
      return new SequentialBackend(name);
    case 'pool':
      return new PoolBackend();
    case 'batched-cpu':
    case 'batched-gpu-standin':
    case 'gpu':
      return new BatchedBackend(name);
  }
}

// ---------------------------------------------------------------------------------------------
// Matching

/** One batch of patterns against a space: `view` is what the matchers see (the live index, or a trie with dead ids). */
export interface MatchCase {
  readonly space: AtomSpace;
  readonly view: SpaceView;
  readonly patterns: readonly Atom[];
}

/** A backend's answer to a batch, per pattern in order. */
export interface MatchAnswer {
  /** The line `metta query` prints for each pattern (`formatAnswer`, text). */
  readonly lines: readonly string[];
  /** The bindings of each match; null for a backend that answers only lines (the query pool). */
  readonly bindings: readonly (readonly Bindings[])[] | null;
  /** The matched atoms' insertion ids; null per pattern where there are none (a conjunction), or for the whole batch. */
  readonly atomIds: readonly (readonly number[] | null)[] | null;
  /** The hits, for backends that must equal the CPU trie matcher element for element, fresh-variable order included. */
  readonly hits: readonly (readonly MatchHit[])[] | null;
}

export interface MatchingBackend {
  readonly name: MatchingBackendName;
  readonly requiredInCi: boolean;
  open(): Promise<string | null>;
  answer(c: MatchCase): Promise<MatchAnswer>;
  evidence(): { readonly count: number; readonly what: string };
  close(): Promise<void>;
}

export const MATCHING_BACKENDS = ['cpu-trie', 'gpu-mock', 'gpu', 'query-pool'] as const;
export type MatchingBackendName = (typeof MATCHING_BACKENDS)[number] | 'naive';

const POSITION = { file: '<conformance>', line: 1, column: 1 };
const bulk = (pattern: Atom): BulkPattern => ({ pattern, template: null, position: POSITION });

/** The lines `metta query` prints for these answers. */
export function linesOf(patterns: readonly Atom[], bindings: readonly (readonly Bindings[])[]): string[] {
  return patterns.map((p, i) => formatAnswer(i, bulk(p), bindings[i]!, 'text'));
}

function fromHits(patterns: readonly Atom[], hits: readonly (readonly MatchHit[] | null)[], conj: (i: number) => Bindings[]): MatchAnswer {
  const bindings = hits.map((h, i) => (h === null ? conj(i) : h.map((x) => x.bindings)));
  return { lines: linesOf(patterns, bindings), bindings, atomIds: hits.map((h) => (h === null ? null : h.map((x) => x.atomId))), hits: null };
}

/** The reference: unify with every stored atom in insertion order; conjunctions joined over it as `match` joins them. */
class NaiveBackend implements MatchingBackend {
  readonly name = 'naive';
  readonly requiredInCi = true;
  private patterns = 0;
  async open(): Promise<string | null> {
    return null;
  }
  async answer(c: MatchCase): Promise<MatchAnswer> {
    this.patterns += c.patterns.length;
    const parts = c.patterns.map((p) => conjuncts(p));
    const hits = c.patterns.map((p, i) => (parts[i] === null ? naiveMatch(c.space, p) : null));
    return fromHits(c.patterns, hits, (i) => matchConjunction((p) => naiveMatch(c.space, p), parts[i]!));
  }
  evidence(): { count: number; what: string } {
    return { count: this.patterns, what: 'patterns answered by naiveMatch' };
  }
  async close(): Promise<void> {}
}

/** The CPU matchers on the view as given (the live index, or a frozen trie with dead ids): matchBatch, conjunctions through query. */
class CpuTrieBackend implements MatchingBackend {
  readonly name = 'cpu-trie';
  readonly requiredInCi = true;
  private patterns = 0;
  async open(): Promise<string | null> {
    return null;
  }
  async answer(c: MatchCase): Promise<MatchAnswer> {
    const plainIdx = c.patterns.flatMap((p, i) => (conjuncts(p) === null ? [i] : []));
    const batch = matchBatch(c.view, plainIdx.map((i) => c.patterns[i]!));
    if (batch.length !== plainIdx.length) throw new Error(`matchBatch returned ${batch.length} result lists for ${plainIdx.length} patterns`);
    const hits: (MatchHit[] | null)[] = c.patterns.map(() => null);
    plainIdx.forEach((i, k) => (hits[i] = batch[k]!));
    this.patterns += c.patterns.length;
    return fromHits(c.patterns, hits, (i) => query(c.view, c.patterns[i]!));
  }
  evidence(): { count: number; what: string } {
    return { count: this.patterns, what: 'patterns answered by the trie matcher' };
  }
  async close(): Promise<void> {}
}

/**
 * The GPU matcher on a snapshot: on the device (WGSL kernel), or with `mock` on the mock device of
 * test/gpu/mock-device.ts (the host code, the kernel's effect run in JavaScript, no adapter needed).
 * Patterns beyond the kernel's limits are answered by its CPU fallback and counted.
 */
class GpuMatchingBackend implements MatchingBackend {
  readonly requiredInCi = true;
  private mod: GpuModule | null = null;
  private mockGpu: MockGpu | null = null;
  private matcher: InstanceType<GpuModule['GpuMatcher']> | null = null;
  constructor(readonly name: 'gpu' | 'gpu-mock') {}
  async open(): Promise<string | null> {
    this.mod = await import('../../src/gpu/index.js');
    if (this.name === 'gpu-mock') {
      const mock = new MockGpu();
      this.mockGpu = mock;
      this.matcher = new this.mod.GpuMatcher({ acquire: () => Promise.resolve(mock.ctx) });
      return null;
    }
    try {
      const matcher = new this.mod.GpuMatcher();
      console.log(`conformance gpu backend runs on: ${await matcher.adapterName()}`);
      this.matcher = matcher;
    } catch (e) {
      if (!(e instanceof this.mod.GpuError)) throw e;
      return e.message;
    }
    return null;
  }
  async answer(c: MatchCase): Promise<MatchAnswer> {
    if (c.patterns.some((p) => conjuncts(p) !== null)) throw new Error('the GPU kernel answers plain patterns only (see exclusions.ts)');
    if (isIndexedView(c.view)) throw new Error('the GPU reads frozen snapshots only (see exclusions.ts)');
    const hits = await this.matcher!.match(c.view, c.patterns);
    // The mock validates what the host asks of a device (limits, usages, ranges); a correct host leaves no error uncaught.
    if (this.mockGpu !== null && this.mockGpu.uncaptured.length > 0) throw new Error(`mock device errors: ${this.mockGpu.uncaptured.join('; ')}`);
    return { ...fromHits(c.patterns, hits, () => []), hits };
  }
  evidence(): { count: number; what: string } {
    const t = this.matcher?.totals;
    return { count: t?.gpuPatterns ?? 0, what: `patterns answered by the GPU kernel${this.name === 'gpu-mock' ? ' on the mock device' : ''} (${t?.cpuPatterns ?? 0} beyond its limits answered by its CPU fallback)` };
  }
  async close(): Promise<void> {
    this.matcher?.dispose();
    // Only the real device is process-wide; the mock is this backend's own.
    if (this.name === 'gpu') await this.mod?.closeGpu();
  }
}

/** `metta query --workers 2`: the batch cut into slices answered by worker threads reading the shared space; it answers printed lines. */
class QueryPoolBackend implements MatchingBackend {
  readonly name = 'query-pool';
  readonly requiredInCi = true;
  private batches = 0;
  async open(): Promise<string | null> {
    return null;
  }
  async answer(c: MatchCase): Promise<MatchAnswer> {
    // The pool reads a frozen space (metta query freezes it after loading): `view` must be its snapshot.
    if (isIndexedView(c.view) || c.view.recent.length !== 0) throw new Error('the query pool reads a frozen space (see exclusions.ts)');
    const pool = QueryWorkerPool.open(2, c.space, c.space.snapshot());
    if (pool === null) throw new Error('the query worker is not built (dist/src/runner/pool-worker.js)');
    try {
      const lines = await pool.answer(c.patterns.map(bulk), 0, 'text');
      // null: the batch could not be shipped or a worker failed; metta query would answer it here,
      // which would not test the pool.
      if (lines === null) throw new Error('the query pool did not answer the batch');
      this.batches += pool.batches;
      return { lines, bindings: null, atomIds: null, hits: null };
    } finally {
      await pool.close();
    }
  }
  evidence(): { count: number; what: string } {
    return { count: this.batches, what: 'batches answered by query worker threads' };
  }
  async close(): Promise<void> {}
}

export function matchingBackend(name: MatchingBackendName): MatchingBackend {
  switch (name) {
    case 'naive':
      return new NaiveBackend();
    case 'cpu-trie':
      return new CpuTrieBackend();
    case 'gpu':
    case 'gpu-mock':
      return new GpuMatchingBackend(name);
    case 'query-pool':
      return new QueryPoolBackend();
  }
}

/** The CPU trie matcher's hits for the plain patterns of a batch (what the GPU must equal element for element). */
export function cpuHits(view: SpaceView, patterns: readonly Atom[]): MatchHit[][] {
  return matchBatch(view, patterns);
}
