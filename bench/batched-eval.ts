// bench/batched-eval: batched evaluation (src/runner/batched.ts) against the sequential run, on
// programs whose space queries fan out: a knowledge base of `(edge nI nJ)` facts (I, J uniform in
// [0, nodes) from a seeded PRNG; nodes defaults to facts/10, about 10 edges per node) and `--forms` top-level `!` forms, each a two-hop query
//   !(match &self (edge nK $y) (match &self (edge $y $z) $z))
// — the first hop's matches become branches, whose second-hop matches the next step carries
// together — plus n-queens 6 (rule lookups of nondeterministic branches). Paths, each a fresh
// program (parse, load, evaluate), output checked identical to the sequential run's:
//   sequential   the unbatched interpreter (what `metta run --gpu off --workers 1` does)
//   batched CPU  lockstep steps, every query batch answered on the CPU
//   batched GPU  lockstep steps, every query batch dispatched to the GPU (`--gpu on`)
//   --gpu auto   what `metta run --gpu auto` does: batched with the calibrated scheduler choosing
//                per step when the calibration says the GPU pays somewhere, else sequential
// Reported: the median wall time of --runs runs per path (after a warm-up), steps, queries per step (mean and largest), queries on the GPU.
//
//   node dist/bench/batched-eval.js [--facts N] [--nodes N] [--forms N] [--seed N] [--runs N] [--gpu auto|on|off] [--json FILE]

import { writeFileSync } from 'node:fs';
import { BatchAnswerer, BatchedRunner, benchmarks, DEFAULT_COST_MODEL, GpuError, gpuAnswererFor, GpuSpaceQueries, loadCostModel, Parser, Program, Scheduler } from '../src/index.js';

const { fmt, isMain, machine, Options, prng, randInt, table } = benchmarks;

export interface BatchedEvalOptions {
  readonly facts: number;
  readonly nodes: number;
  readonly forms: number;
  readonly seed: number;
  /** Timed runs per path (after one warm-up); the median is reported. */
  readonly runs: number;
  readonly gpu: 'auto' | 'on' | 'off';
}

type Path = 'sequential' | 'batched CPU' | 'batched GPU' | '--gpu auto';

export interface PathFigures {
  readonly ms: number;
  readonly steps: number;
  readonly queries: number;
  readonly largest: number;
  readonly gpuQueries: number;
}

export interface BatchedEvalFigures {
  readonly options: BatchedEvalOptions;
  readonly adapter: string | null;
  readonly workloads: Record<string, Partial<Record<Path, PathFigures>>>;
  readonly notes: string[];
}

const QUEENS = `
(= (range $lo $hi) (if (> $lo $hi) (empty) (superpose ($lo (range (+ $lo 1) $hi)))))
(= (safe $q $d Nil) True)
(= (safe $q $d (Cons $h $t)) (if (or (== $q $h) (or (== $q (+ $h $d)) (== $q (- $h $d)))) False (safe $q (+ $d 1) $t)))
(= (queens $k $n) (if (== $k 0) Nil (let $rest (queens (- $k 1) $n) (let $q (range 1 $n) (if (safe $q 1 $rest) (Cons $q $rest) (empty))))))
!(let $all (collapse (queens 6 6)) (size-atom $all))
`;

function twoHopProgram(o: BatchedEvalOptions): string {
  const rand = prng(o.seed);
  const lines: string[] = [];
  for (let i = 0; i < o.facts; i++) lines.push(`(edge n${randInt(rand, o.nodes)} n${randInt(rand, o.nodes)})`);
  for (let k = 0; k < o.forms; k++) lines.push(`!(match &self (edge n${randInt(rand, o.nodes)} $y) (match &self (edge $y $z) $z))`);
  return lines.join('\n') + '\n';
}

/** One fresh run; `answerer` null (or returning null): sequential. */
async function runOnce(text: string, answerer: ((p: Program) => BatchAnswerer | null) | null): Promise<{ out: string; ms: number; figures: Omit<PathFigures, 'ms'> }> {
  let out = '';
  const program = new Program({ stdout: (t) => (out += t), stderr: (t) => (out += t) });
  const started = performance.now();
  const a = answerer === null ? null : answerer(program);
  if (a === null) {
    program.run(text, 'bench.metta', { keepGoing: true, writeOut: (l) => (out += l + '\n'), writeErr: (l) => (out += l + '\n') });
    return { out, ms: performance.now() - started, figures: { steps: 0, queries: 0, largest: 0, gpuQueries: 0 } };
  }
  const runner = new BatchedRunner(program.env, a);
  runner.run(new Parser(text, 'bench.metta', program.env.tokens), {
    keepGoing: true,
    emit: (r) => {
      if (r.kind === 'results') out += r.line + '\n';
      else if (r.kind === 'stderr') out += r.text;
    },
  });
  await a.close();
  const ms = performance.now() - started;
  const s = a.stats;
  return { out, ms, figures: { steps: s.batches, queries: s.queries, largest: s.largest, gpuQueries: s.gpuQueries } };
}

export async function benchBatchedEval(options: BatchedEvalOptions): Promise<BatchedEvalFigures> {
  const notes: string[] = [];
  let gpu: GpuSpaceQueries | null = null;
  if (options.gpu !== 'off') {
    try {
      gpu = new GpuSpaceQueries();
    } catch (e) {
      if (!(e instanceof GpuError) || options.gpu === 'on') throw e;
      notes.push(`GPU paths skipped: ${e.message}`);
    }
  } else notes.push('GPU paths skipped (--gpu off)');
  const { model, calibrated } = loadCostModel();
  const crossover = calibrated && model.paths.gpu !== undefined ? new Scheduler(model, ['cpu', 'gpu']).crossover('gpu') : null;
  notes.push(
    !calibrated || model.paths.gpu === undefined
      ? '--gpu auto: no calibration of the GPU (run metta calibrate): runs sequentially'
      : crossover === null
        ? '--gpu auto: the calibration says the GPU never pays: runs sequentially'
        : `--gpu auto: the calibration's GPU crossover is ${crossover} queries per step`,
  );
  const paths: [Path, ((p: Program) => BatchAnswerer | null) | null][] = [
    ['sequential', null],
    ['batched CPU', (p) => new BatchAnswerer(p.env, new Scheduler(DEFAULT_COST_MODEL, ['cpu'], null, false), null)],
  ];
  if (gpu !== null) {
    // One device for every run: a run's answerer must not close it.
    const device = gpu;
    const shared = { adapter: device.adapter, matchAll: device.matchAll.bind(device), close: () => undefined };
    paths.push(['batched GPU', (p) => new BatchAnswerer(p.env, new Scheduler(DEFAULT_COST_MODEL, ['cpu', 'gpu'], 'gpu', false), () => shared)]);
  }
  if (options.gpu !== 'off') paths.push(['--gpu auto', (p) => gpuAnswererFor('auto', p.env, (t) => notes.push(t.trim()))]);
  const workloads: BatchedEvalFigures['workloads'] = {};
  const programs: [string, string][] = [
    [`two-hop, ${fmt(options.facts)} facts × ${options.forms} forms`, twoHopProgram(options)],
    ['n-queens 6', QUEENS],
  ];
  for (const [name, text] of programs) {
    const figures: Partial<Record<Path, PathFigures>> = {};
    let expected: string | null = null;
    for (const [path, answerer] of paths) {
      await runOnce(text, answerer); // warm-up (JIT, GPU pipelines, trie upload)
      const runs = [];
      for (let k = 0; k < options.runs; k++) runs.push(await runOnce(text, answerer));
      for (const r of runs) {
        if (expected === null) expected = r.out;
        else if (r.out !== expected) throw new Error(`${name}: ${path} printed something else than the sequential run`);
      }
      const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
      figures[path] = { ms: ms[Math.floor(ms.length / 2)]!, ...runs[0]!.figures };
    }
    workloads[name] = figures;
    console.log(`\n${name}`);
    const base = figures.sequential!.ms;
    console.log(
      table(
        ['path', 'ms', 'vs sequential', 'steps', 'queries', 'per step', 'largest', 'on GPU'],
        Object.entries(figures).map(([path, f]) => [
          path,
          fmt(f.ms, 1),
          `${(base / f.ms).toFixed(2)}x`,
          f.steps ? fmt(f.steps) : '-',
          f.queries ? fmt(f.queries) : '-',
          f.steps ? fmt(f.queries / f.steps, 1) : '-',
          f.largest ? fmt(f.largest) : '-',
          f.steps ? fmt(f.gpuQueries) : '-',
        ]),
      ),
    );
  }
  const adapter = gpu?.adapter ?? null;
  await gpu?.close();
  for (const n of notes) console.log(`note: ${n}`);
  return { options, adapter, workloads, notes };
}

if (isMain(import.meta.url)) {
  const opts = new Options({ facts: 'string', nodes: 'string', forms: 'string', seed: 'string', runs: 'string', gpu: 'string', json: 'string' });
  const facts = opts.int('facts', undefined, 100_000);
  const options: BatchedEvalOptions = {
    facts,
    // About 10 edges out of each node: a form's second hop carries about 10 matches.
    nodes: opts.int('nodes', undefined, Math.max(10, Math.round(facts / 10))),
    forms: opts.int('forms', undefined, 200),
    seed: opts.int('seed', undefined, 1),
    runs: opts.int('runs', undefined, 5),
    gpu: (opts.string('gpu') ?? 'auto') as BatchedEvalOptions['gpu'],
  };
  console.log(`batched-eval on ${JSON.stringify(machine())}`);
  const figures = await benchBatchedEval(options);
  const json = opts.string('json');
  if (json !== undefined) writeFileSync(json, JSON.stringify({ machine: machine(), date: new Date().toISOString(), ...figures }, null, 2) + '\n');
}
