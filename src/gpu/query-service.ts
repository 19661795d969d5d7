// A space-query service backed by the GPU, for `metta run --gpu on`. The interpreter asks its
// queries one at a time and synchronously; this service answers each run of consecutive top-level
// `!(match &self PATTERN TEMPLATE)` forms with one GPU batch:
//
// - before the run, the program text is pre-read (a separate parse) to find such runs;
// - when the interpreter asks for a pattern of an upcoming run and the cache has no answer for the
//   space's current version, the whole run's patterns go to the GPU in one batch (through the GPU
//   thread: see sync-client.ts) and the answers are kept by pattern text;
// - an answer is materialized only when it is asked for, in the CPU matcher's order, so fresh
//   variables are made at the same moments as on the CPU;
// - everything else (conjunctions, type lookups, spaces other than a run's, a space that changed
//   since the batch) is answered by the CPU matcher, as is every query once the GPU failed.
//
// A wrong pre-read (a later `bind!` changing how a word reads) costs only a wasted batch: answers
// are keyed by the exact pattern text and the space's version, never guessed.

import type { Atom } from '../core/atoms.js';
import { AtomKind } from '../core/atoms.js';
import type { Bindings } from '../core/bindings.js';
import { log } from '../core/log.js';
import { Parser } from '../core/parser.js';
import { formatAtom } from '../core/printer.js';
import { CompiledPattern, conjuncts, query as cpuQuery } from '../cpu/index.js';
import type { AtomSpace } from '../space/atom-space.js';
import { GpuError } from './errors.js';
import { type CompactMatches, expandRaw, GpuMatcher, kernelPattern } from './matcher.js';
import { GpuSyncClient } from './sync-client.js';

export interface GpuQueryStats {
  /** GPU batches dispatched and the patterns they carried. */
  batches: number;
  batchedPatterns: number;
  /** Queries answered from a GPU batch, and by the CPU matcher. */
  gpuAnswers: number;
  cpuAnswers: number;
  /** Patterns of GPU batches that the kernel left to the CPU (kernel limits). */
  kernelFallbacks: number;
  /** Set when the GPU failed and every later query went to the CPU. */
  failure: string | null;
}

/**
 * The patterns of the program's `!(match &self P T)` forms (conjunctions aside), grouped into runs
 * that no added atom separates, as pattern texts.
 */
export function matchRuns(text: string, file: string): MatchRun[] {
  const runs: MatchRun[] = [];
  let run: string[] = [];
  let added = 0;
  let addedBefore = 0;
  const flush = (): void => {
    if (run.length > 0) runs.push({ patterns: run, addedBefore });
    run = [];
    addedBefore = added;
  };
  const parser = new Parser(text, file);
  for (;;) {
    let item;
    try {
      item = parser.next();
    } catch {
      break; // The runner reports syntax errors when it gets there.
    }
    if (item === null) break;
    const a = item.atom;
    if (!item.exec) {
      added++;
      flush(); // an added atom changes the space: the next run is a new batch
      continue;
    }
    const isSelfMatch =
      a.kind === AtomKind.Expression &&
      a.children.length === 4 &&
      a.children[0]!.kind === AtomKind.Symbol &&
      (a.children[0] as { name: string }).name === 'match' &&
      formatAtom(a.children[1]!) === '&self' &&
      conjuncts(a.children[2]!) === null;
    // Other `!` forms stay in the run: if one writes to the space, the version check sends the
    // rest of the run to the GPU again.
    if (isSelfMatch) run.push(formatAtom(a.children[2]!));
  }
  flush();
  return runs;
}

export interface MatchRun {
  /** Pattern texts, in source order. */
  readonly patterns: string[];
  /** Top-level atoms added before the run (where the program is when the run starts). */
  readonly addedBefore: number;
}

interface Batch {
  readonly space: AtomSpace;
  readonly version: number;
  readonly matches: CompactMatches;
  readonly index: Map<string, number>;
  readonly view: ReturnType<AtomSpace['snapshot']>;
}

export class GpuQueryService {
  readonly stats: GpuQueryStats = { batches: 0, batchedPatterns: 0, gpuAnswers: 0, cpuAnswers: 0, kernelFallbacks: 0, failure: null };
  private client: GpuSyncClient | null;
  private readonly runs: MatchRun[];
  /** Pattern text → indices of the runs holding it, ascending. */
  private readonly runsOf = new Map<string, number[]>();
  private nextRun = 0;
  private batch: Batch | null = null;
  /** Materializes hits (and runs the kernel's CPU fallbacks); never opens a device itself. */
  private readonly host = new GpuMatcher();

  /** Opens the GPU thread and device; throws a GpuError when there is none. */
  constructor(text: string, file: string) {
    this.runs = matchRuns(text, file);
    this.runs.forEach((run, i) => {
      for (const key of run.patterns) {
        const list = this.runsOf.get(key);
        if (list === undefined) this.runsOf.set(key, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      }
    });
    this.client = new GpuSyncClient();
    log('info', `gpu: ${this.client.adapter}; ${this.runs.length} run(s) of top-level matches, ${this.runs.reduce((n, r) => n + r.patterns.length, 0)} patterns`);
  }

  get adapter(): string | null {
    return this.client?.adapter ?? null;
  }

  /** The query service: (space, pattern) → bindings, in the CPU matcher's order. */
  readonly query = (space: AtomSpace, pattern: Atom): Bindings[] => {
    const answer = this.client === null || conjuncts(pattern) !== null ? null : this.fromGpu(space, pattern);
    if (answer !== null) {
      this.stats.gpuAnswers++;
      return answer;
    }
    this.stats.cpuAnswers++;
    return cpuQuery(space.view(), pattern);
  };

  private fromGpu(space: AtomSpace, pattern: Atom): Bindings[] | null {
    const key = formatAtom(pattern);
    let b = this.batch;
    if (b === null || b.space !== space || b.version !== space.version || !b.index.has(key)) {
      const runs = this.runsOf.get(key);
      if (runs === undefined) return null;
      // Where the program is: the latest run holding this pattern that the atoms added so far
      // have reached (a guess: a wrong one only wastes a batch).
      const added = space.store.idLimit;
      let at = runs.find((r) => r >= this.nextRun) ?? runs[runs.length - 1]!;
      for (const r of runs) if (r >= at && this.runs[r]!.addedBefore <= added) at = r;
      this.nextRun = at;
      // This pattern and the rest of its run, in one batch.
      const run = this.runs[at]!.patterns;
      b = this.dispatch(space, [...new Set([key, ...run.slice(run.indexOf(key) + 1)])], pattern);
      if (b === null) return null;
    }
    const p = b.index.get(key)!;
    const compiled = b.matches.patterns[p]!;
    // A pre-read pattern is used only if it is this very pattern (same tokens, same names): a
    // text can stand for another atom (a grounded object prints as a name).
    if (compiled.atom !== pattern) {
      const mine = new CompiledPattern(pattern);
      if (!sameTokens(mine.tokens, compiled.tokens) || mine.varNames.join(' ') !== compiled.varNames.join(' ')) return null;
    }
    return this.host.hitsOf(b.view, b.matches, p).map((hit) => hit.bindings);
  }

  private dispatch(space: AtomSpace, keys: string[], pattern: Atom): Batch | null {
    try {
      const view = space.snapshot();
      const compiled = keys.map((k, i) => new CompiledPattern(i === 0 ? pattern : reparse(k)));
      const raw = this.client!.runRaw(view.trie, compiled.map(kernelPattern));
      const matches = expandRaw(view, compiled, raw);
      this.stats.batches++;
      this.stats.batchedPatterns += keys.length;
      this.stats.kernelFallbacks += raw.fallback.size;
      const m = raw.metrics;
      log(
        'debug',
        `gpu batch: ${keys.length} patterns, ${m.results} results, ${raw.fallback.size} on the CPU (kernel limits); ` +
          `upload ${m.uploadMs.toFixed(2)} ms, count ${m.countMs.toFixed(2)} ms, write ${m.writeMs.toFixed(2)} ms, readback ${m.readbackMs.toFixed(2)} ms`,
      );
      this.batch = { space, version: space.version, matches, index: new Map(keys.map((k, i) => [k, i])), view };
      return this.batch;
    } catch (e) {
      if (!(e instanceof GpuError)) throw e;
      this.stats.failure = `${e.name}: ${e.message}`;
      log('warn', `gpu: ${this.stats.failure}; answering on the CPU from now on`);
      this.client?.close();
      this.client = null;
      return null;
    }
  }

  /** Destroys the device and ends the GPU thread. */
  close(): void {
    this.client?.close();
    this.client = null;
    const s = this.stats;
    log('info', `gpu: ${s.batches} batch(es) of ${s.batchedPatterns} patterns; ${s.gpuAnswers} queries answered on the GPU, ${s.cpuAnswers} on the CPU, ${s.kernelFallbacks} kernel fallbacks${s.failure ? `; failure: ${s.failure}` : ''}`);
  }
}

function sameTokens(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The pattern of a pre-read text (no token registry: only exact texts ever get used). */
function reparse(text: string): Atom {
  const item = new Parser(text, '<gpu prefetch>').next();
  if (item === null) throw new Error(`empty pattern text ${text}`);
  return item.atom;
}

/**
 * The GPU query service for `--gpu MODE`, or null: `off` and `auto` never open a device (`auto`
 * leaves the choice to the CPU until the scheduler picks per batch); `on` without a usable GPU warns
 * on stderr and answers on the CPU, so the program's output is the same either way.
 */
export function gpuQueriesFor(mode: string, text: string, file: string, warn: (text: string) => void): GpuQueryService | null {
  if (mode !== 'on') return null;
  try {
    return new GpuQueryService(text, file);
  } catch (e) {
    if (!(e instanceof GpuError)) throw e;
    warn(`metta: --gpu on: ${e.message}; matching runs on the CPU\n`);
    return null;
  }
}
