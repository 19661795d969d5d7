// bench/gpu-brute: the brute-force GPU baseline — what a user would write first — against our trie
// kernel and the CPU trie matcher, on the kb-match workload (`(edge nI nJ)` facts, the 20-slot mix
// of 1–2-variable patterns; see kb-match.ts).
//
// The baseline is written with gpu.js (DESIGN.md): every pattern against every fact, fixed width
// (three columns per fact, one output cell per (pattern, fact)), a variable is a wildcard. It is
// only right for ground facts and patterns without repeated variables — true of this workload,
// and checked: before anything is timed, its atom ids must equal the trie kernel's and the CPU's
// for every pattern. gpu.js returns a dense patterns × facts matrix, which the host scans for hits;
// the patterns go in chunks of at most `--chunk-cells` cells. Sizes whose matrix exceeds
// `--max-cells` in all are skipped (that is the baseline's problem: 1M facts × 100k patterns is
// 10^11 cells).
//
//   node --expose-gc dist/src/bench/gpu-brute.js [--facts N] [--patterns N] [--nodes N] [--seed N]
//                                            [--quick] [--max-cells N] [--chunk-cells N] [--json FILE]
//
// On a software GPU (lavapipe) the figures show only that both kernels run and agree.

import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Atom } from '../core/index.js';
import { CompiledPattern, TrieMatcher } from '../cpu/index.js';
import { isVarToken } from '../space/index.js';
import type { SpaceSnapshot } from '../space/index.js';
import { buildGraphSpace, CLOCK_OPTIONS, clockFn, clockOption, fmt, isMain, machine, Options, type OptionTypes, table } from './common.js';
import { makePatterns } from './kb-match.js';

interface GpuJsKernel {
  (facts: Float32Array, patterns: Float32Array): Promise<Float32Array[]> | Float32Array[];
  setOutput(dims: number[]): GpuJsKernel;
}
interface GpuJs {
  createKernel(fn: (this: { thread: { x: number; y: number } }, facts: Float32Array, patterns: Float32Array) => number): GpuJsKernel;
  destroy(): unknown;
}

/** Facts as rows of 3 dense column ids (exact in float32), in insertion order. */
function encodeFacts(view: SpaceSnapshot, dense: Map<number, number>): { rows: Float32Array; ids: Uint32Array } {
  const ids = view.store.liveIds();
  const rows = new Float32Array(ids.length * 3);
  for (let k = 0; k < ids.length; k++) {
    const t = view.store.tokensOf(ids[k]!);
    if (t.length !== 4) throw new Error('gpu-brute: every fact must be a flat 3-element expression');
    for (let c = 0; c < 3; c++) {
      let d = dense.get(t[c + 1]!);
      if (d === undefined) dense.set(t[c + 1]!, (d = dense.size));
      rows[k * 3 + c] = d;
    }
  }
  return { rows, ids };
}

/** Patterns as rows: dense id, -1 for a variable, -2 for a token no fact has. */
function encodePatterns(patterns: readonly CompiledPattern[], dense: Map<number, number>): Float32Array {
  const rows = new Float32Array(patterns.length * 3);
  patterns.forEach((p, k) => {
    if (p.tokens.length !== 4 || new Set(p.tokens.filter(isVarToken)).size !== p.tokens.filter(isVarToken).length) {
      throw new Error('gpu-brute: patterns must be flat 3-element expressions without repeated variables');
    }
    for (let c = 0; c < 3; c++) {
      const t = p.tokens[c + 1]!;
      rows[k * 3 + c] = isVarToken(t) ? -1 : (dense.get(t) ?? -2);
    }
  });
  return rows;
}

/** The gpu.js brute force, ready to run on `compiled` against `view`: atom ids per pattern, joined by commas. */
export interface BruteForce {
  run(): Promise<string[]>;
  destroy(): void;
}

let gpujsReady: Promise<new (s: { mode: string }) => GpuJs> | null = null;

/** gpu.js on its own Dawn instance (through navigator.gpu, as gpu.js expects); loaded once. */
function loadGpuJs(): Promise<new (s: { mode: string }) => GpuJs> {
  gpujsReady ??= (async () => {
    process.env['XDG_RUNTIME_DIR'] ??= tmpdir();
    const webgpu = (await import('webgpu')) as unknown as { create(o: string[]): unknown; globals: object };
    Object.assign(globalThis, webgpu.globals);
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: webgpu.create([]) }, configurable: true, writable: true });
    return ((await import('gpu.js')) as unknown as { default: { GPU: new (s: { mode: string }) => GpuJs } }).default.GPU;
  })();
  return gpujsReady;
}

/**
 * Builds the brute-force kernel for these patterns (every pattern against every fact, a dense
 * 0/1 matrix read back in chunks of at most `chunkCells` cells and scanned on the host).
 */
export async function openBruteForce(view: SpaceSnapshot, compiled: readonly CompiledPattern[], chunkCells: number): Promise<BruteForce> {
  const GPU = await loadGpuJs();
  const gpujs = new GPU({ mode: 'webgpu' });
  const dense = new Map<number, number>();
  const factRows = encodeFacts(view, dense);
  const patRows = encodePatterns(compiled, dense);
  const facts = factRows.ids.length;
  const count = compiled.length;
  const chunk = Math.max(1, Math.min(count, Math.floor(chunkCells / facts)));
  const kernel = gpujs
    .createKernel(function (f: Float32Array, p: Float32Array): number {
      let ok = 1;
      for (let c = 0; c < 3; c++) {
        const v = p[this.thread.y * 3 + c]!;
        if (v >= 0 && v !== f[this.thread.x * 3 + c]) ok = 0;
        if (v === -2) ok = 0;
      }
      return ok;
    })
    .setOutput([facts, chunk]);
  return {
    run: async (): Promise<string[]> => {
      const out: string[] = [];
      for (let from = 0; from < count; from += chunk) {
        const part = new Float32Array(chunk * 3).fill(-2);
        part.set(patRows.subarray(from * 3, Math.min(count, from + chunk) * 3));
        const rows = await kernel(factRows.rows, part);
        for (let r = 0; r < chunk && from + r < count; r++) {
          const row = rows[r]!;
          const hits: number[] = [];
          for (let f = 0; f < facts; f++) if (row[f] === 1) hits.push(factRows.ids[f]!);
          out.push(hits.join(','));
        }
      }
      return out;
    },
    destroy: () => void gpujs.destroy(),
  };
}

export interface BruteFigures {
  readonly facts: number;
  readonly patterns: number;
  readonly results: number;
  readonly cells: number;
  readonly adapter: string;
  /** Mean ms of one whole batch, per path (null: skipped). */
  readonly bruteMs: number | null;
  readonly trieGpuMs: number;
  readonly cpuMs: number;
}

/** The options benchGpuBrute reads. */
export const GPU_BRUTE_OPTIONS = {
  quick: 'boolean', facts: 'string', patterns: 'string', nodes: 'string', seed: 'string', 'max-cells': 'string', 'chunk-cells': 'string', ...CLOCK_OPTIONS,
} as const satisfies OptionTypes;

export async function benchGpuBrute(opts: Options): Promise<BruteFigures> {
  const quick = opts.flag('quick');
  const facts = opts.int('facts', 'KB_FACTS', quick ? 10_000 : 100_000);
  const count = opts.int('patterns', 'KB_PATTERNS', quick ? 1_000 : 10_000);
  const nodes = opts.int('nodes', 'KB_NODES', quick ? 1_000 : 10_000);
  const seed = opts.int('seed', 'BENCH_SEED', 1);
  const maxCells = opts.int('max-cells', undefined, 4_000_000_000);
  const chunkCells = opts.int('chunk-cells', undefined, 16_000_000);
  const now = clockFn(clockOption(opts));
  const iterations = quick ? 2 : 3;
  console.log(`\ngpu-brute: ${fmt(facts)} facts, ${fmt(count)} patterns, nodes ${fmt(nodes)}, seed ${seed}`);

  const view = buildGraphSpace({ facts, sources: nodes, targets: nodes, seed }).snapshot();
  const { patterns } = makePatterns(count, nodes, seed + 1);
  const compiled = patterns.map((p: Atom) => new CompiledPattern(p));

  // CPU trie matcher and our GPU trie kernel: ids per pattern.
  const cpuMatcher = new TrieMatcher();
  const idsOf = (lists: readonly { atomId: number }[][]): string[] => lists.map((l) => l.map((h) => h.atomId).join(','));
  let t = now();
  const cpuIds = idsOf(compiled.map((p) => cpuMatcher.match(view, p)));
  const cpuOnce = now() - t;
  const results = cpuIds.reduce((n, s) => n + (s === '' ? 0 : s.split(',').length), 0);
  const { GpuMatcher, closeGpu } = await import('../gpu/index.js');
  const trie = new GpuMatcher();
  const adapter = await trie.adapterName();
  const compact = await trie.matchCompact(view, compiled);
  const trieIds = compiled.map((_, p) => Array.from(compact.atomIds.subarray(compact.hitStart[p]!, compact.hitStart[p + 1]!)).join(','));
  for (let p = 0; p < count; p++) if (trieIds[p] !== cpuIds[p]) throw new Error(`trie kernel and CPU disagree on pattern ${p}`);

  const bruteForce = await openBruteForce(view, compiled, chunkCells);
  const cells = facts * count;
  const brute = (): Promise<string[]> => bruteForce.run();

  const mean = async (run: () => Promise<unknown> | unknown): Promise<number> => {
    await run();
    const start = now();
    for (let i = 0; i < iterations; i++) await run();
    return (now() - start) / iterations;
  };
  let bruteMs: number | null = null;
  if (cells <= maxCells) {
    const bruteIds = await brute();
    for (let p = 0; p < count; p++) if (bruteIds[p] !== cpuIds[p]) throw new Error(`brute force and CPU disagree on pattern ${p}`);
    console.log(`checked: brute force = trie kernel = CPU on all ${fmt(count)} patterns (${fmt(results)} results)`);
    bruteMs = await mean(brute);
  } else {
    console.log(`brute force skipped: ${fmt(cells)} cells > --max-cells ${fmt(maxCells)}`);
  }
  const trieGpuMs = await mean(() => trie.matchCompact(view, compiled));
  const cpuMs = await mean(() => {
    for (const p of compiled) cpuMatcher.match(view, p);
  });
  bruteForce.destroy();
  trie.dispose();
  await closeGpu();
  const row = (name: string, ms: number | null): string[] =>
    ms === null ? [name, '—', '—', '—'] : [name, fmt(ms, 1), fmt(count / (ms / 1000)), fmt(results / (ms / 1000))];
  console.log(
    `\nadapter: ${adapter}; CPU first pass ${fmt(cpuOnce, 1)} ms\n` +
      table(['path', 'mean ms', 'patterns/s', 'results/s'], [
        row('brute force, gpu.js (dense matrix + host scan)', bruteMs),
        row('trie kernel, WGSL (compact results)', trieGpuMs),
        row('CPU trie matcher (precompiled)', cpuMs),
      ]) +
      (bruteMs !== null ? `\ntrie kernel / brute force: ${(bruteMs / trieGpuMs).toFixed(2)}x` : ''),
  );
  return { facts, patterns: count, results, cells, adapter, bruteMs, trieGpuMs, cpuMs };
}

if (isMain(import.meta.url)) {
  const opts = new Options({ ...GPU_BRUTE_OPTIONS, json: 'string' });
  const figures = await benchGpuBrute(opts);
  const json = opts.string('json');
  if (json !== undefined) writeFileSync(json, JSON.stringify({ date: new Date().toISOString(), machine: machine(), gpuBrute: figures }, null, 2) + '\n');
}
