// bench/interp: the interpreter on classic workloads (DESIGN.md "Benchmarks"): naive fib 25
// (242,785 calls), n-queens 8 by nondeterministic search, Pythagorean triples through
// nondeterministic rules, and building a 10,000-element list. Each run is a fresh program
// (parse + load + evaluate); the results are checked so a fast wrong answer cannot pass.
//
//   node dist/src/bench/interp.js [--quick] [--json FILE]

import { writeFileSync } from 'node:fs';
import { Bench } from 'tinybench';
import { Program } from '../runner/index.js';
import { isMain, Options } from './common.js';

interface Workload {
  readonly name: string;
  readonly source: string;
  /** The one output line the program must print. */
  readonly expected: string;
}

const FIB = `
(= (fib $n) (if (< $n 2) $n (+ (fib (- $n 1)) (fib (- $n 2)))))
!(fib 25)`;

// Positions 1..n, one queen per row; `safe` checks diagonals and columns against earlier rows.
const QUEENS = (n: number): string => `
(= (range $lo $hi) (if (> $lo $hi) (empty) (superpose ($lo (range (+ $lo 1) $hi)))))
(= (safe $q $d Nil) True)
(= (safe $q $d (Cons $h $t))
   (if (or (== $q $h) (or (== $q (+ $h $d)) (== $q (- $h $d))))
       False
       (safe $q (+ $d 1) $t)))
(= (queens $k $n)
   (if (== $k 0)
       Nil
       (let $rest (queens (- $k 1) $n)
         (let $q (range 1 $n)
           (if (safe $q 1 $rest) (Cons $q $rest) (empty))))))
!(let $all (collapse (queens ${n} ${n})) (size-atom $all))`;

const TRIPLES = `
(= (range $lo $hi) (if (> $lo $hi) (empty) (superpose ($lo (range (+ $lo 1) $hi)))))
(= (triple $n)
   (let $a (range 1 $n)
     (let $b (range $a $n)
       (let $c (range $b $n)
         (if (== (* $c $c) (+ (* $a $a) (* $b $b))) ($a $b $c) (empty))))))
!(triple 30)`;

const LIST = `
(= (build $n $acc) (if (== $n 0) $acc (build (- $n 1) (Cons $n $acc))))
(= (len Nil) 0)
(= (len (Cons $h $t)) (+ 1 (len $t)))
!(len (build 10000 Nil))`;

function run(source: string): string {
  let out = '';
  const program = new Program({ stdout: (t) => (out += t), stderr: () => {} });
  const { exitCode } = program.run(source, 'bench', {
    writeOut: (line) => (out += line + '\n'),
    writeErr: (line) => (out += 'ERR ' + line + '\n'),
  });
  if (exitCode !== 0) throw new Error(`benchmark program failed:\n${out}`);
  return out.trim();
}

export async function benchInterp(options: { quick: boolean }): Promise<Record<string, number>> {
  const workloads: Workload[] = [
    { name: 'fib 25', source: FIB, expected: '[75025]' },
    { name: `n-queens ${options.quick ? 6 : 8}`, source: QUEENS(options.quick ? 6 : 8), expected: options.quick ? '[4]' : '[92]' },
    {
      name: 'pythagorean triples to 30',
      source: TRIPLES,
      expected: '[(3 4 5), (5 12 13), (6 8 10), (7 24 25), (8 15 17), (9 12 15), (10 24 26), (12 16 20), (15 20 25), (18 24 30), (20 21 29)]',
    },
    { name: 'list of 10k', source: LIST, expected: '[10000]' },
  ];
  for (const w of workloads) {
    const got = run(w.source);
    if (got !== w.expected) throw new Error(`${w.name}: expected ${w.expected}, got ${got}`);
  }
  const bench = new Bench({ name: 'interp', iterations: options.quick ? 1 : 3, time: 0, warmupIterations: 1, warmupTime: 0 });
  for (const w of workloads) bench.add(w.name, () => void run(w.source));
  await bench.run();
  const figures: Record<string, number> = {};
  console.log('\ninterp (fresh program per run: parse, load, evaluate)');
  console.log('workload                         mean ms   runs');
  for (const task of bench.tasks) {
    const r = task.result;
    if (r.state !== 'completed') throw new Error(`${task.name}: ${r.state}`);
    figures[task.name] = r.latency.mean;
    console.log(`${task.name.padEnd(32)} ${r.latency.mean.toFixed(1).padStart(8)} ${String(r.latency.samplesCount ?? '').padStart(6)}`);
  }
  return figures;
}

if (isMain(import.meta.url)) {
  const opts = new Options({ quick: 'boolean', json: 'string' });
  const figures = await benchInterp({ quick: opts.flag('quick') });
  const json = opts.string('json');
  if (json !== undefined) writeFileSync(json, JSON.stringify({ interp: figures }, null, 2));
}
