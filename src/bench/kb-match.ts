// bench/kb-match: bulk pattern matching against a knowledge base of `(edge nI nJ)` facts
// (DESIGN.md "Benchmarks"), CPU trie matcher versus the naive scan.
//
// The space holds `--facts` facts (default 100,000), I and J uniform in [0, 10,000) from a seeded
// PRNG, frozen by `space.snapshot()`. `--patterns` patterns (default 10,000) cycle through a fixed
// 20-slot mix:
//   45%  (edge nI $y)    one variable, constant in the first argument
//   45%  (edge $x nJ)    one variable, constant in the second argument
//   10%  ($r nI $y)      two variables, the head is a variable too
// with I and J drawn from the same distribution as the facts (about 10 results per pattern).
//
// Measured with tinybench: the trie matcher over the whole batch (`matchBatch`, which compiles each
// pattern, and `TrieMatcher.match` on pre-compiled patterns), and `naiveMatch` over the first
// `--naive` patterns (default 20: each one unifies with every fact, so the whole batch would be
// 10^9 unifications). The trie is also timed on that same subset, and the ratio trie/naive is per
// pattern. Before timing, both matchers' answers on the subset are checked to be identical.
//
//   node --expose-gc dist/src/bench/kb-match.js [--facts N] [--patterns N] [--naive N] [--seed N]
//                                           [--clock wall|cpu] [--quick] [--json FILE] [--gpu]
//   (environment: KB_FACTS, KB_PATTERNS, KB_NAIVE, KB_NODES, BENCH_SEED, BENCH_CLOCK)
//
// With `--gpu`, the same batch also runs on the GPU matcher (src/gpu): checked equal to the CPU
// matcher on every pattern, then timed as compact results (atom ids + binding records, what the
// kernel produces) and as materialized bindings (MatchHit[] like the CPU's), with the time split
// (upload, count dispatch, write dispatch, readback, host expansion), and the kernel's work per
// pattern of each shape from its debug counters (walk loop iterations, trie and pattern buffer
// reads: GpuBatchMetrics.work), which show the kernel's progress without a real GPU.
//
//   node --expose-gc dist/src/bench/kb-match.js --grid [--grid-facts 10k,100k,1m] [--grid-patterns 1k,10k,100k]
//
// runs the size grid instead: for each facts × patterns size, the CPU trie matcher (precompiled)
// and the GPU matcher, patterns/s and results/s, and the GPU's speed-up. On a software GPU
// (lavapipe) the GPU figures say nothing about speed: they show only that it runs and agrees.

import { writeFileSync } from 'node:fs';
import { Bench } from 'tinybench';
import type { Atom } from '../core/index.js';
import { expr, variable } from '../core/index.js';
import { formatAtom } from '../core/index.js';
import { CompiledPattern, type MatchHit, matchBatch, naiveMatch, TrieMatcher } from '../cpu/index.js';
import type { FrozenView } from '../space/index.js';
import { buildGraphSpace, CLOCK_OPTIONS, type ClockName, clockFn, clockOption, count, EDGE, fmt, gc, isMain, machine, node, Options, type OptionTypes, prng, randInt, table } from './common.js';

export interface KbMatchOptions {
  readonly facts: number;
  readonly patterns: number;
  /** Patterns (a prefix of the batch) run through the naive matcher. */
  readonly naive: number;
  /** I and J range over [0, nodes). */
  readonly nodes: number;
  readonly seed: number;
  readonly quick: boolean;
  /** Clock of every timing: wall time or process CPU time. */
  readonly clock: ClockName;
}

export interface KbMatchTaskFigures {
  readonly patterns: number;
  readonly results: number;
  readonly meanMs: number;
  readonly rmePercent: number;
  readonly samples: number;
  readonly patternsPerSec: number;
  readonly resultsPerSec: number;
  readonly usPerPattern: number;
}

export interface KbMatchFigures {
  readonly options: KbMatchOptions;
  readonly mix: Record<string, number>;
  readonly buildSpaceMs: number;
  readonly snapshotMs: number;
  readonly trieNodes: number;
  readonly tasks: Record<string, KbMatchTaskFigures>;
  /** Trie patterns/s over naive patterns/s: on the full batch, and on the naive subset. */
  readonly ratioFullBatch: number;
  readonly ratioSameSubset: number;
}

/** The 20-slot cycle: 9 × A `(edge nI $y)`, 9 × B `(edge $x nJ)`, 2 × C `($r nI $y)`. */
const MIX = 'ABABABABACBABABABABC';

const KIND_NAMES: Record<string, string> = { A: '(edge nI $y)', B: '(edge $x nJ)', C: '($r nI $y)' };

export function makePatterns(count: number, nodes: number, seed: number): { patterns: Atom[]; mix: Record<string, number> } {
  const rand = prng(seed);
  const patterns: Atom[] = [];
  const mix: Record<string, number> = Object.fromEntries(Object.values(KIND_NAMES).map((name) => [name, 0]));
  for (let k = 0; k < count; k++) {
    const n = node(randInt(rand, nodes));
    switch (MIX[k % MIX.length]) {
      case 'A':
        patterns.push(expr([EDGE, n, variable('y')]));
        mix[KIND_NAMES.A!]!++;
        break;
      case 'B':
        patterns.push(expr([EDGE, variable('x'), n]));
        mix[KIND_NAMES.B!]!++;
        break;
      default:
        patterns.push(expr([variable('r'), n, variable('y')]));
        mix[KIND_NAMES.C!]!++;
    }
  }
  return { patterns, mix };
}

function countHits(results: readonly MatchHit[][]): number {
  let n = 0;
  for (const r of results) n += r.length;
  return n;
}

function describeHits(hits: readonly MatchHit[]): string {
  return hits
    .map((h) => `${h.atomId}{${[...h.bindings.entries()].map(([k, v]) => `${k}=${formatAtom(v)}`).sort().join(',')}}`)
    .join(' ');
}

/** The options kbMatchOptions reads. */
export const KB_MATCH_OPTIONS = { quick: 'boolean', facts: 'string', patterns: 'string', naive: 'string', nodes: 'string', seed: 'string', ...CLOCK_OPTIONS } as const satisfies OptionTypes;

export function kbMatchOptions(opts: Options = new Options(KB_MATCH_OPTIONS)): KbMatchOptions {
  const quick = opts.flag('quick');
  return {
    facts: opts.int('facts', 'KB_FACTS', quick ? 10_000 : 100_000),
    patterns: opts.int('patterns', 'KB_PATTERNS', quick ? 1_000 : 10_000),
    naive: opts.int('naive', 'KB_NAIVE', quick ? 10 : 20),
    nodes: opts.int('nodes', 'KB_NODES', quick ? 1_000 : 10_000),
    seed: opts.int('seed', 'BENCH_SEED', 1),
    quick,
    clock: clockOption(opts),
  };
}

export async function benchKbMatch(options: KbMatchOptions): Promise<KbMatchFigures> {
  console.log(
    `\nkb-match: ${fmt(options.facts)} facts (edge nI nJ), I,J uniform in [0, ${fmt(options.nodes)}); ` +
      `${fmt(options.patterns)} patterns; naive on the first ${options.naive}; seed ${options.seed}; ${options.clock} clock`,
  );
  const now = clockFn(options.clock);
  gc();
  let t0 = now();
  const space = buildGraphSpace({ facts: options.facts, sources: options.nodes, targets: options.nodes, seed: options.seed });
  const buildSpaceMs = now() - t0;
  t0 = now();
  const view: FrozenView = space.snapshot();
  const snapshotMs = now() - t0;
  console.log(`space built in ${buildSpaceMs.toFixed(0)} ms; snapshot in ${snapshotMs.toFixed(0)} ms (${fmt(view.trie.nodeCount)} trie nodes)`);

  const { patterns, mix } = makePatterns(options.patterns, options.nodes, options.seed + 1);
  const subset = patterns.slice(0, Math.min(options.naive, patterns.length));
  const compiled = patterns.map((p) => new CompiledPattern(p));
  const compiledSubset = compiled.slice(0, subset.length);
  const matcher = new TrieMatcher();
  console.log(`mix: ${Object.entries(mix).map(([k, v]) => `${k} ${v}`).join(', ')}`);

  // Same answers from both matchers (ids and bindings) before anything is timed.
  const trieAll = matchBatch(view, patterns);
  const totalResults = countHits(trieAll);
  const naiveSubset = subset.map((p) => naiveMatch(space, p));
  const subsetResults = countHits(naiveSubset);
  for (let k = 0; k < subset.length; k++) {
    if (describeHits(trieAll[k]!) !== describeHits(naiveSubset[k]!)) {
      throw new Error(`trie and naive disagree on pattern ${k} ${formatAtom(subset[k]!)}`);
    }
  }
  console.log(`checked: trie = naive on the ${subset.length}-pattern subset (${fmt(subsetResults)} results); batch total ${fmt(totalResults)} results`);

  let sink = 0;
  // Whole-batch tasks take seconds each: a few runs. Short tasks: a time budget.
  const whole = new Bench({ now, name: 'kb-match trie, whole batch', time: 0, iterations: options.quick ? 2 : 4, warmupIterations: 1, warmupTime: 0 });
  const short = new Bench({ now, name: 'kb-match trie, short', time: options.quick ? 300 : 1500, iterations: 5, warmupIterations: 1, warmupTime: 0 });
  // Task name → what one run of it matches; `order` is the table's row order.
  const order: string[] = [];
  const counts: Record<string, { patterns: number; results: number }> = {};
  const addTask = (name: string, list: readonly CompiledPattern[] | null, results: number): void => {
    order.push(name);
    const run =
      list === null
        ? () => void (sink += matchBatch(view, patterns).length)
        : () => {
            for (const p of list) sink += matcher.match(view, p).length;
          };
    // One untimed pass decides the group: under 0.5 s is short.
    const t = now();
    run();
    (now() - t < 500 ? short : whole).add(name, run);
    counts[name] = { patterns: list === null ? patterns.length : list.length, results };
  };
  addTask('trie matchBatch (compile + match)', null, totalResults);
  addTask('trie TrieMatcher (precompiled)', compiled, totalResults);
  addTask('trie TrieMatcher, naive subset', compiledSubset, subsetResults);
  const byKind: Record<string, CompiledPattern[]> = {};
  for (let k = 0; k < compiled.length; k++) (byKind[KIND_NAMES[MIX[k % MIX.length]!]!] ??= []).push(compiled[k]!);
  for (const [kind, list] of Object.entries(byKind)) {
    let results = 0;
    for (const p of list) results += matcher.match(view, p).length;
    addTask(`trie TrieMatcher, only ${kind}`, list, results);
  }
  const slow = new Bench({ now, name: 'kb-match naive', time: 0, iterations: options.quick ? 2 : 3, warmupIterations: 1, warmupTime: 0 });
  slow.add('naiveMatch, naive subset', () => {
    for (const p of subset) sink += naiveMatch(space, p).length;
  });
  order.push('naiveMatch, naive subset');
  counts['naiveMatch, naive subset'] = { patterns: subset.length, results: subsetResults };
  const measured: Record<string, KbMatchTaskFigures> = {};
  for (const bench of [whole, short, slow]) {
    gc();
    await bench.run();
    for (const task of bench.tasks) {
      const r = task.result;
      if (r.state !== 'completed') throw new Error(`${task.name}: ${r.state}${r.state === 'errored' ? `: ${r.error.message}` : ''}`);
      const c = counts[task.name]!;
      const sec = r.latency.mean / 1000;
      measured[task.name] = {
        patterns: c.patterns,
        results: c.results,
        meanMs: r.latency.mean,
        rmePercent: r.latency.rme,
        samples: r.latency.samplesCount,
        patternsPerSec: c.patterns / sec,
        resultsPerSec: c.results / sec,
        usPerPattern: (sec * 1e6) / c.patterns,
      };
    }
  }
  if (sink < 0) console.log(sink);
  const tasks: Record<string, KbMatchTaskFigures> = {};
  for (const name of order) tasks[name] = measured[name]!;

  const naive = tasks['naiveMatch, naive subset']!;
  const ratioFullBatch = tasks['trie TrieMatcher (precompiled)']!.patternsPerSec / naive.patternsPerSec;
  const ratioSameSubset = tasks['trie TrieMatcher, naive subset']!.patternsPerSec / naive.patternsPerSec;
  console.log(
    '\n' +
      table(
        ['task', 'patterns', 'results', 'mean ms', '±%', 'runs', 'µs/pattern', 'patterns/s', 'results/s'],
        Object.entries(tasks).map(([name, t]) => [
          name,
          fmt(t.patterns),
          fmt(t.results),
          fmt(t.meanMs, 2),
          t.rmePercent.toFixed(1),
          String(t.samples),
          fmt(t.usPerPattern, 2),
          fmt(t.patternsPerSec),
          fmt(t.resultsPerSec),
        ]),
      ),
  );
  console.log(`trie / naive, per pattern: ${fmt(ratioFullBatch)}x (full batch, precompiled), ${fmt(ratioSameSubset)}x (same ${subset.length} patterns)`);
  return { options, mix, buildSpaceMs, snapshotMs, trieNodes: view.trie.nodeCount, tasks, ratioFullBatch, ratioSameSubset };
}

export interface GpuTaskFigures extends KbMatchTaskFigures {
  /** Mean time split of one batch, from the matcher's metrics (ms). */
  readonly split: { uploadMs: number; countMs: number; writeMs: number; readbackMs: number; hostMs: number };
}

export interface KbMatchGpuFigures {
  readonly adapter: string;
  /** The first batch, whole (pipeline compilation, trie upload, both passes), and its upload part. */
  readonly firstBatchMs: number;
  readonly trieUploadMs: number;
  readonly tasks: Record<string, GpuTaskFigures | KbMatchTaskFigures>;
  readonly fallbackPatterns: number;
  /** The kernel's work counters (count pass) per pattern shape of the mix. */
  readonly work: Record<string, KernelWork>;
  /** GPU compact patterns/s over the CPU trie matcher's (precompiled) patterns/s. */
  readonly speedupCompact: number;
  readonly speedupMaterialized: number;
}

/** Walk loop iterations and trie/pattern buffer reads per pattern of one shape (kernel counters). */
export interface KernelWork {
  readonly patterns: number;
  readonly stepsPerPattern: number;
  readonly loadsPerPattern: number;
  readonly maxSteps: number;
  readonly maxLoads: number;
}

/** Runs each shape of the mix as its own batch, counters on (untimed), to read the kernel's work per shape. */
async function kernelWorkByShape(view: FrozenView, compiled: readonly CompiledPattern[]): Promise<Record<string, KernelWork>> {
  const { GpuMatcher } = await import('../gpu/index.js');
  const work: Record<string, KernelWork> = {};
  for (const listPath of ['never', 'auto'] as const) {
    const gpu = new GpuMatcher({ workCounters: true, listPath });
    for (const [kind, name] of Object.entries(KIND_NAMES)) {
      const subset = compiled.filter((_, k) => MIX[k % MIX.length] === kind);
      if (subset.length === 0) continue;
      const m = (await gpu.matchCompact(view, subset)).metrics;
      if (listPath === 'auto' && m.listPatterns === 0) continue;
      const w = m.work;
      const n = Math.max(1, w.patterns);
      work[`${name} ${listPath === 'auto' ? `(lists: ${m.listPatterns})` : '(walk)'}`] = { patterns: w.patterns, stepsPerPattern: w.steps / n, loadsPerPattern: w.loads / n, maxSteps: w.maxSteps, maxLoads: w.maxLoads };
    }
    gpu.dispose();
  }
  return work;
}

async function timeTask(name: string, iterations: number, now: () => number, run: () => Promise<unknown> | unknown): Promise<{ meanMs: number; rmePercent: number; samples: number }> {
  const bench = new Bench({ now, name, time: 0, iterations, warmupIterations: 1, warmupTime: 0 });
  bench.add(name, run);
  gc();
  await bench.run();
  const r = bench.tasks[0]!.result;
  if (r.state !== 'completed') throw new Error(`${name}: ${r.state}${r.state === 'errored' ? `: ${r.error.message}` : ''}`);
  return { meanMs: r.latency.mean, rmePercent: r.latency.rme, samples: r.latency.samplesCount };
}

function figuresOf(patterns: number, results: number, t: { meanMs: number; rmePercent: number; samples: number }): KbMatchTaskFigures {
  const sec = t.meanMs / 1000;
  return { patterns, results, ...t, patternsPerSec: patterns / sec, resultsPerSec: results / sec, usPerPattern: (sec * 1e6) / patterns };
}

/** The GPU path on one space and batch: checked against the CPU, then timed. */
export async function benchKbMatchGpu(view: FrozenView, patterns: readonly Atom[], cpuPrecompiled: KbMatchTaskFigures, options: { clock: ClockName; iterations: number; check: boolean }): Promise<KbMatchGpuFigures> {
  const { GpuMatcher } = await import('../gpu/index.js');
  const now = clockFn(options.clock);
  const gpu = new GpuMatcher();
  const adapter = await gpu.adapterName();
  const compiled = patterns.map((p) => new CompiledPattern(p));
  const t0 = now();
  const first = await gpu.matchCompact(view, compiled);
  const firstBatchMs = now() - t0;
  const trieUploadMs = first.metrics.uploadMs;
  if (options.check) {
    const hits = gpu.toHits(view, first);
    const cpu = matchBatch(view, patterns);
    for (let k = 0; k < patterns.length; k++) {
      if (describeHits(hits[k]!) !== describeHits(cpu[k]!)) throw new Error(`GPU and CPU disagree on pattern ${k} ${formatAtom(patterns[k]!)}`);
    }
    console.log(`checked: GPU = CPU on all ${fmt(patterns.length)} patterns (${fmt(first.metrics.results)} results); ${first.fallback.size} patterns left to the CPU by the kernel`);
  }
  const splits: GpuTaskFigures['split'][] = [];
  const compact = await timeTask('gpu compact', options.iterations, now, async () => {
    const m = await gpu.matchCompact(view, compiled);
    splits.push({ uploadMs: m.metrics.uploadMs, countMs: m.metrics.countMs, writeMs: m.metrics.writeMs, readbackMs: m.metrics.readbackMs, hostMs: m.metrics.hostMs });
  });
  const split = { uploadMs: 0, countMs: 0, writeMs: 0, readbackMs: 0, hostMs: 0 };
  for (const s of splits) for (const k of Object.keys(split) as (keyof typeof split)[]) split[k] += s[k] / splits.length;
  const materialized = await timeTask('gpu materialized', options.iterations, now, async () => gpu.match(view, compiled));
  // The same batch walked (no list path), timed in the same run for the ratio.
  const walker = new GpuMatcher({ listPath: 'never' });
  await walker.matchCompact(view, compiled);
  const walked = await timeTask('gpu compact, walk only', options.iterations, now, async () => walker.matchCompact(view, compiled));
  walker.dispose();
  // After the timed runs: run before them, these batches' garbage made the timed host step 4x slower.
  const work = await kernelWorkByShape(view, compiled);
  const results = first.metrics.results;
  const tasks: Record<string, GpuTaskFigures | KbMatchTaskFigures> = {
    'gpu matchCompact (ids + binding records)': { ...figuresOf(patterns.length, results, compact), split },
    'gpu match (bindings as atoms, like the CPU)': figuresOf(patterns.length, results, materialized),
    'gpu matchCompact, every pattern walked (listPath never)': figuresOf(patterns.length, results, walked),
  };
  gpu.dispose();
  const speedupCompact = tasks['gpu matchCompact (ids + binding records)']!.patternsPerSec / cpuPrecompiled.patternsPerSec;
  const speedupMaterialized = tasks['gpu match (bindings as atoms, like the CPU)']!.patternsPerSec / cpuPrecompiled.patternsPerSec;
  console.log(
    `\nGPU (${adapter}); first batch ${fmt(firstBatchMs, 1)} ms (pipelines, trie upload ${fmt(trieUploadMs, 1)} ms); ${fmt(first.metrics.listPatterns)} patterns from the leaves' posting lists\n` +
      table(
        ['task', 'patterns', 'results', 'mean ms', '±%', 'runs', 'patterns/s', 'results/s', 'vs CPU'],
        Object.entries(tasks).map(([name, t]) => [name, fmt(t.patterns), fmt(t.results), fmt(t.meanMs, 2), t.rmePercent.toFixed(1), String(t.samples), fmt(t.patternsPerSec), fmt(t.resultsPerSec), `${(t.patternsPerSec / cpuPrecompiled.patternsPerSec).toFixed(2)}x`]),
      ) +
      `\nsplit of a compact batch (mean ms): upload ${split.uploadMs.toFixed(2)}, count ${split.countMs.toFixed(2)}, write ${split.writeMs.toFixed(2)}, readback ${split.readbackMs.toFixed(2)}, host ${split.hostMs.toFixed(2)}\n` +
      'kernel work per pattern (count pass: walk loop iterations or list leaves, trie and pattern buffer reads; walk and list path)\n' +
      table(
        ['shape', 'patterns', 'iterations', 'loads', 'max iterations', 'max loads'],
        Object.entries(work).map(([shape, w]) => [shape, fmt(w.patterns), fmt(w.stepsPerPattern, 1), fmt(w.loadsPerPattern, 1), fmt(w.maxSteps), fmt(w.maxLoads)]),
      ),
  );
  return { adapter, firstBatchMs, trieUploadMs, tasks, fallbackPatterns: first.fallback.size, work, speedupCompact, speedupMaterialized };
}

export interface GridPoint {
  readonly facts: number;
  readonly patterns: number;
  readonly results: number;
  readonly cpu: KbMatchTaskFigures;
  readonly gpu: KbMatchGpuFigures;
}

/** The options benchKbMatchGrid reads. */
export const KB_MATCH_GRID_OPTIONS = { 'grid-facts': 'string', 'grid-patterns': 'string', seed: 'string', nodes: 'string', ...CLOCK_OPTIONS } as const satisfies OptionTypes;

/** facts × patterns grid: CPU trie matcher (precompiled) and GPU matcher at each size. */
export async function benchKbMatchGrid(opts: Options): Promise<GridPoint[]> {
  const list = (name: string, fallback: string): number[] => (opts.string(name) ?? fallback).split(',').map((v) => count('x', v));
  const factSizes = list('grid-facts', '10k,100k,1m');
  const patternSizes = list('grid-patterns', '1k,10k,100k');
  const seed = opts.int('seed', 'BENCH_SEED', 1);
  const nodes = opts.int('nodes', 'KB_NODES', 10_000);
  const clock = clockOption(opts);
  const now = clockFn(clock);
  const points: GridPoint[] = [];
  const { closeGpu } = await import('../gpu/index.js');
  for (const facts of factSizes) {
    const space = buildGraphSpace({ facts, sources: nodes, targets: nodes, seed });
    const view = space.snapshot();
    for (const count of patternSizes) {
      console.log(`\ngrid: ${fmt(facts)} facts × ${fmt(count)} patterns`);
      const { patterns } = makePatterns(count, nodes, seed + 1);
      const compiled = patterns.map((p) => new CompiledPattern(p));
      const matcher = new TrieMatcher();
      let results = 0;
      const cpuTime = await timeTask('cpu', 1, now, () => {
        results = 0;
        for (const p of compiled) results += matcher.match(view, p).length;
      });
      const cpu = figuresOf(count, results, cpuTime);
      const gpu = await benchKbMatchGpu(view, patterns, cpu, { clock, iterations: 2, check: count <= 10_000 });
      points.push({ facts, patterns: count, results, cpu, gpu });
    }
  }
  await closeGpu();
  console.log(
    '\n' +
      table(
        ['facts', 'patterns', 'results', 'CPU patterns/s', 'GPU compact patterns/s', 'GPU results/s', 'GPU/CPU compact', 'GPU/CPU materialized', 'GPU/CPU walk only'],
        points.map((p) => {
          const g = p.gpu.tasks['gpu matchCompact (ids + binding records)']!;
          const walked = p.gpu.tasks['gpu matchCompact, every pattern walked (listPath never)']!;
          return [fmt(p.facts), fmt(p.patterns), fmt(p.results), fmt(p.cpu.patternsPerSec), fmt(g.patternsPerSec), fmt(g.resultsPerSec), `${p.gpu.speedupCompact.toFixed(2)}x`, `${p.gpu.speedupMaterialized.toFixed(2)}x`, `${(walked.patternsPerSec / p.cpu.patternsPerSec).toFixed(2)}x`];
        }),
      ),
  );
  return points;
}

if (isMain(import.meta.url)) {
  const opts = new Options({ ...KB_MATCH_OPTIONS, ...KB_MATCH_GRID_OPTIONS, grid: 'boolean', gpu: 'boolean', json: 'string' });
  const json = opts.string('json');
  if (opts.flag('grid')) {
    const grid = await benchKbMatchGrid(opts);
    if (json !== undefined) writeFileSync(json, JSON.stringify({ date: new Date().toISOString(), machine: machine(), kbMatchGrid: grid }, null, 2) + '\n');
  } else {
    const options = kbMatchOptions(opts);
    const figures = await benchKbMatch(options);
    let gpu: KbMatchGpuFigures | undefined;
    if (opts.flag('gpu')) {
      const space = buildGraphSpace({ facts: options.facts, sources: options.nodes, targets: options.nodes, seed: options.seed });
      const { patterns } = makePatterns(options.patterns, options.nodes, options.seed + 1);
      gpu = await benchKbMatchGpu(space.snapshot(), patterns, figures.tasks['trie TrieMatcher (precompiled)']!, { clock: options.clock, iterations: options.quick ? 2 : 4, check: true });
      const { closeGpu } = await import('../gpu/index.js');
      await closeGpu();
    }
    if (json !== undefined) writeFileSync(json, JSON.stringify({ date: new Date().toISOString(), machine: machine(), kbMatch: figures, ...(gpu ? { gpu } : {}) }, null, 2) + '\n');
  }
}
