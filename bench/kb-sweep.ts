// bench/kb-sweep: throughput of each match path against the batch size, on the kb-match workload
// (`(edge nI nJ)` facts, the 20-slot pattern mix of kb-match.ts), and where each path overtakes the
// CPU trie matcher (the crossover). Paths, each timed as `metta query` runs it (answer the batch,
// then print each pattern's line), except the baseline:
//
//   cpu        the CPU trie matcher on this thread (`BatchMatcher` cpu)
//   cpu-pool   the batch split across `--workers` threads reading the space in place (query-pool.ts)
//   gpu        the GPU trie kernel, results materialized as the CPU's (`BatchMatcher` gpu)
//   gpu-brute  the brute-force GPU baseline (gpu.js: every pattern against every fact, atom ids only)
//
// Before timing, every path's answers at the largest size are checked equal to the CPU's. A size is
// timed by repeating the batch until `minMs` have passed (at least once, after one warm-up run).
//
//   node --expose-gc dist/bench/kb-sweep.js [--quick | --tiny] [--gpu auto|on|off] [--workers N] [--json FILE] [--svg FILE]

import { writeFileSync } from 'node:fs';
import type { Atom } from '../src/core/atoms.js';
import { BatchMatcher, type BulkPattern, formatAnswer } from '../src/api/bulk-query.js';
import { CompiledPattern, matchBatch } from '../src/cpu/index.js';
import type { SpaceSnapshot } from '../src/space/atom-space.js';
import { buildGraphSpace, fmt, isMain, machine, Options, table } from './common.js';
import { makePatterns } from './kb-match.js';
import { throughputChart } from './svg.js';

export type SweepPath = 'cpu' | 'cpu-pool' | 'gpu' | 'gpu-brute';

export const PATH_LABELS: Record<SweepPath, string> = {
  cpu: 'CPU trie',
  'cpu-pool': 'CPU pool',
  gpu: 'GPU trie kernel',
  'gpu-brute': 'GPU brute force (gpu.js)',
};

export interface SweepOptions {
  readonly facts: number;
  readonly nodes: number;
  readonly seed: number;
  readonly sizes: readonly number[];
  /** Largest batch timed on the GPU paths (a software GPU is slow: keep it small there). */
  readonly gpuMaxBatch: number;
  /** Brute-force batches above this many cells (facts × patterns) are skipped. */
  readonly bruteMaxCells: number;
  readonly minMs: number;
  /** auto: GPU paths when an adapter exists; on: required; off: skipped. */
  readonly gpu: 'auto' | 'on' | 'off';
  /** Threads of the cpu-pool path (< 2: not measured). */
  readonly workers: number;
}

export interface SweepPoint {
  readonly batch: number;
  readonly meanMs: number;
  readonly runs: number;
  readonly patternsPerSec: number;
}

export interface SweepFigures {
  readonly options: SweepOptions;
  readonly adapter: string | null;
  /** Why GPU paths are missing, when they are. */
  readonly notes: string[];
  readonly series: Partial<Record<SweepPath, SweepPoint[]>>;
  /** Per path other than cpu: the smallest batch from which it is faster than the CPU trie at every measured size (null: never). */
  readonly crossover: Partial<Record<SweepPath, number | null>>;
}

export function sweepOptions(mode: 'tiny' | 'quick' | 'full', gpu: SweepOptions['gpu'], workers: number): SweepOptions {
  if (mode === 'tiny') return { facts: 1_000, nodes: 100, seed: 1, sizes: [1, 10, 100], gpuMaxBatch: 100, bruteMaxCells: 1e6, minMs: 10, gpu, workers };
  if (mode === 'quick') return { facts: 10_000, nodes: 1_000, seed: 1, sizes: [1, 10, 100, 1_000], gpuMaxBatch: 1_000, bruteMaxCells: 2e7, minMs: 150, gpu, workers };
  return { facts: 100_000, nodes: 10_000, seed: 1, sizes: [1, 10, 100, 1_000, 10_000], gpuMaxBatch: 10_000, bruteMaxCells: 2e8, minMs: 1_000, gpu, workers };
}

function bulk(patterns: readonly Atom[]): BulkPattern[] {
  return patterns.map((pattern, k) => ({ pattern, template: null, position: { file: 'bench', line: k + 1, column: 1 } }));
}

/** Mean time of one run: one warm-up, then repeats until `minMs` passed (at least once). */
async function timeIt(minMs: number, run: () => Promise<unknown>): Promise<{ meanMs: number; runs: number }> {
  await run();
  const start = performance.now();
  let runs = 0;
  do {
    await run();
    runs++;
  } while (performance.now() - start < minMs);
  return { meanMs: (performance.now() - start) / runs, runs };
}

/** The crossover of `path` against `base`: the smallest size from which `path` wins at every larger measured size. */
export function crossoverOf(base: readonly SweepPoint[], path: readonly SweepPoint[]): number | null {
  const baseAt = new Map(base.map((p) => [p.batch, p.patternsPerSec]));
  const common = path.filter((p) => baseAt.has(p.batch)).sort((a, b) => a.batch - b.batch);
  let at: number | null = null;
  for (let i = common.length - 1; i >= 0; i--) {
    if (common[i]!.patternsPerSec > baseAt.get(common[i]!.batch)!) at = common[i]!.batch;
    else break;
  }
  return at;
}

export async function benchKbSweep(options: SweepOptions): Promise<SweepFigures> {
  console.log(
    `\nkb-match by batch size: ${fmt(options.facts)} facts, I,J in [0, ${fmt(options.nodes)}); batches ${options.sizes.map((s) => fmt(s)).join(', ')}; ` +
      `each timed for ≥ ${options.minMs} ms; answers printed as metta query prints them`,
  );
  const space = buildGraphSpace({ facts: options.facts, sources: options.nodes, targets: options.nodes, seed: options.seed });
  const view: SpaceSnapshot = space.snapshot();
  const largest = Math.max(...options.sizes);
  const { patterns: all } = makePatterns(largest, options.nodes, options.seed + 1);
  const notes: string[] = [];
  const series: Partial<Record<SweepPath, SweepPoint[]>> = {};
  const add = (path: SweepPath, batch: number, t: { meanMs: number; runs: number }): void => {
    (series[path] ??= []).push({ batch, meanMs: t.meanMs, runs: t.runs, patternsPerSec: batch / (t.meanMs / 1000) });
  };

  // CPU trie, on this thread.
  const cpu = await BatchMatcher.open(view, 'cpu');
  const cpuLines = async (batch: readonly BulkPattern[]): Promise<string[]> => {
    const answers = await cpu.answer(batch.map((b) => b.pattern));
    return batch.map((b, k) => formatAnswer(k, b, answers[k]!, 'text'));
  };
  const reference = await cpuLines(bulk(all));
  for (const size of options.sizes) {
    const batch = bulk(all.slice(0, size));
    add('cpu', size, await timeIt(options.minMs, () => cpuLines(batch)));
  }

  // CPU pool: the batch split across threads.
  if (options.workers >= 2) {
    const { QueryWorkerPool } = await import('../src/cli/query-pool.js');
    const pool = QueryWorkerPool.open(options.workers, space, view);
    if (pool === null) notes.push('cpu-pool: the query worker is not built (npm run build)');
    else {
      try {
        const check = await pool.answer(bulk(all), 0, 'text');
        if (check === null || check.join('\n') !== reference.join('\n')) throw new Error('kb-sweep: the pool answers differ from the CPU trie');
        for (const size of options.sizes) {
          const batch = bulk(all.slice(0, size));
          add('cpu-pool', size, await timeIt(options.minMs, () => pool.answer(batch, 0, 'text')));
        }
      } finally {
        await pool.close();
      }
    }
  }

  // GPU paths.
  let adapter: string | null = null;
  if (options.gpu === 'off') notes.push('GPU paths skipped (--gpu off)');
  else {
    const gpu = await BatchMatcher.open(view, 'gpu', (text) => notes.push(text.trim()));
    try {
      adapter = gpu.adapter;
      if (adapter === null) {
        if (options.gpu === 'on') throw new Error(`kb-sweep: --gpu on but no GPU adapter (${gpu.stats.gpuFailure})`);
        notes.push(`GPU paths skipped: no adapter (${gpu.stats.gpuFailure})`);
      } else {
        const software = /llvmpipe|lavapipe|swiftshader|software/i.test(adapter);
        const gpuSizes = options.sizes.filter((s) => s <= options.gpuMaxBatch);
        if (gpuSizes.length < options.sizes.length) notes.push(`GPU paths timed up to ${fmt(options.gpuMaxBatch)} patterns`);
        if (software) notes.push(`the GPU is software (${adapter}): its kernels run on the CPU cores, so GPU figures say nothing about GPU speed`);
        const gpuLines = async (batch: readonly BulkPattern[]): Promise<string[]> => {
          const answers = await gpu.answer(batch.map((b) => b.pattern));
          return batch.map((b, k) => formatAnswer(k, b, answers[k]!, 'text'));
        };
        const top = bulk(all.slice(0, Math.max(...gpuSizes)));
        if ((await gpuLines(top)).join('\n') !== reference.slice(0, top.length).join('\n')) throw new Error('kb-sweep: the GPU answers differ from the CPU trie');
        for (const size of gpuSizes) {
          const batch = bulk(all.slice(0, size));
          add('gpu', size, await timeIt(options.minMs, () => gpuLines(batch)));
        }
        if (gpu.stats.gpuFailure !== null) throw new Error(`kb-sweep: the GPU failed during the sweep: ${gpu.stats.gpuFailure}`);
        // The brute-force baseline.
        const { openBruteForce } = await import('./gpu-brute.js');
        for (const size of gpuSizes) {
          if (size * options.facts > options.bruteMaxCells) {
            notes.push(`gpu-brute: batches above ${fmt(Math.floor(options.bruteMaxCells / options.facts))} patterns skipped (${fmt(options.bruteMaxCells)} cells)`);
            break;
          }
          const compiled = all.slice(0, size).map((p) => new CompiledPattern(p));
          let brute;
          try {
            brute = await openBruteForce(view, compiled, 16_000_000);
          } catch (e) {
            notes.push(`gpu-brute: gpu.js could not run (${(e as Error).message})`);
            break;
          }
          try {
            const ids = await brute.run();
            const expected = matchBatch(view, all.slice(0, size)).map((hits) => hits.map((h) => h.atomId).join(','));
            if (ids.join(';') !== expected.join(';')) throw new Error('kb-sweep: the brute force answers differ from the CPU trie');
            add('gpu-brute', size, await timeIt(options.minMs, () => brute.run()));
          } finally {
            brute.destroy();
          }
        }
      }
    } finally {
      await gpu.close();
    }
  }
  await cpu.close();

  const crossover: SweepFigures['crossover'] = {};
  for (const path of ['cpu-pool', 'gpu', 'gpu-brute'] as const) {
    if (series[path] !== undefined) crossover[path] = crossoverOf(series.cpu!, series[path]);
  }
  const paths = Object.keys(series) as SweepPath[];
  console.log(
    table(
      ['batch', ...paths.map((p) => `${PATH_LABELS[p]} patterns/s`)],
      options.sizes.map((size) => [fmt(size), ...paths.map((p) => {
        const pt = series[p]!.find((q) => q.batch === size);
        return pt === undefined ? '—' : fmt(pt.patternsPerSec);
      })]),
    ),
  );
  for (const [path, at] of Object.entries(crossover)) console.log(`crossover, ${PATH_LABELS[path as SweepPath]} vs CPU trie: ${at === null ? 'none in this range' : `from ${fmt(at)} patterns`}`);
  for (const n of notes) console.log(`note: ${n}`);
  return { options, adapter, notes, series, crossover };
}

/** The SVG chart of a sweep: throughput against batch size per path, crossovers marked. */
export function sweepChart(figures: SweepFigures, subtitle: string): string {
  const series = (Object.keys(figures.series) as SweepPath[]).map((path) => ({
    id: path,
    name: PATH_LABELS[path],
    points: figures.series[path]!.map((p) => ({ x: p.batch, y: p.patternsPerSec })),
  }));
  const marks = Object.entries(figures.crossover)
    .filter(([, at]) => at !== null)
    .map(([path, at]) => ({ id: path, x: at as number, label: `${PATH_LABELS[path as SweepPath]} crossover: ${fmt(at as number)}` }));
  return throughputChart({
    title: `kb-match: throughput by batch size (${fmt(figures.options.facts)} facts)`,
    subtitle,
    xLabel: 'batch size (patterns)',
    yLabel: 'throughput (patterns/s)',
    series,
    marks,
    notes: Object.entries(figures.crossover).filter(([, at]) => at === null).map(([path]) => `${PATH_LABELS[path as SweepPath]}: no crossover in this range`),
  });
}

if (isMain(import.meta.url)) {
  const opts = new Options();
  const mode = opts.flag('tiny') ? 'tiny' : opts.flag('quick') ? 'quick' : 'full';
  const gpu = (opts.string('gpu') ?? 'auto') as SweepOptions['gpu'];
  const figures = await benchKbSweep(sweepOptions(mode, gpu, opts.int('workers', undefined, 2)));
  const json = opts.string('json');
  if (json !== undefined) writeFileSync(json, JSON.stringify({ date: new Date().toISOString(), machine: machine(), kbSweep: figures }, null, 2) + '\n');
  const svg = opts.string('svg');
  if (svg !== undefined) writeFileSync(svg, sweepChart(figures, `${new Date().toISOString().slice(0, 10)}, ${figures.adapter ?? 'no GPU'}`));
}
