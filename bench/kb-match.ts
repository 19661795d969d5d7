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
//   node --expose-gc dist/bench/kb-match.js [--facts N] [--patterns N] [--naive N] [--seed N]
//                                           [--clock wall|cpu] [--quick] [--json FILE]
//   (environment: KB_FACTS, KB_PATTERNS, KB_NAIVE, KB_NODES, BENCH_SEED, BENCH_CLOCK)

import { writeFileSync } from 'node:fs';
import { Bench } from 'tinybench';
import type { Atom } from '../src/core/atoms.js';
import { expr, variable } from '../src/core/atoms.js';
import { formatAtom } from '../src/core/printer.js';
import { CompiledPattern, type MatchHit, matchBatch, naiveMatch, TrieMatcher } from '../src/cpu/index.js';
import type { SpaceView } from '../src/space/atom-space.js';
import { buildGraphSpace, type ClockName, clockFn, clockOption, EDGE, fmt, gc, isMain, machine, node, Options, prng, randInt, table } from './common.js';

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

export function kbMatchOptions(opts: Options = new Options()): KbMatchOptions {
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
  const view: SpaceView = space.snapshot();
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

if (isMain(import.meta.url)) {
  const opts = new Options();
  const figures = await benchKbMatch(kbMatchOptions(opts));
  const json = opts.string('json');
  if (json !== undefined) writeFileSync(json, JSON.stringify({ date: new Date().toISOString(), machine: machine(), kbMatch: figures }, null, 2) + '\n');
}
