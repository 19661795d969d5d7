// bench/run: the benchmark suite behind `npm run bench` — kb-match (with throughput by batch size
// per path, bench/kb-sweep.ts), memory, interp and batch-parallel, in one process (bench/suite.ts;
// `metta bench` runs the same).
// Options are passed to kb-match and memory (see bench/kb-match.ts and bench/memory.ts); `--json FILE`
// writes one file with every result, `--svg FILE` the throughput chart.
//
//   node --expose-gc dist/bench/run.js [--quick | --tiny] [--gpu auto|on|off] [--workers N] [--clock wall|cpu]
//                                      [--json FILE] [--svg FILE] [kb-match / memory options]

import { writeFileSync } from 'node:fs';
import { benchmarks } from '../src/index.js';

const { hasGc, machine, Options, KB_MATCH_OPTIONS, kbMatchOptions, sweepChart, MEMORY_OPTIONS, memoryOptions, runSuites, SUITES } = benchmarks;

const opts = new Options({ ...KB_MATCH_OPTIONS, ...MEMORY_OPTIONS, tiny: 'boolean', gpu: 'string', workers: 'string', json: 'string', svg: 'string' });
if (!hasGc()) console.log('note: run node with --expose-gc for steadier figures and meaningful memory deltas');
const before = machine();
console.log(`metta-gpu benchmarks — ${new Date().toISOString()} — node ${process.version}, ${before.cpus} CPUs (${before.cpuModel}), load average ${before.loadAvg1min}`);
const mode = opts.flag('tiny') ? 'tiny' : opts.flag('quick') ? 'quick' : 'full';
const gpu = (opts.string('gpu') ?? 'auto') as 'auto' | 'on' | 'off';
const results = await runSuites({
  mode,
  suites: SUITES,
  gpu,
  workers: opts.int('workers', undefined, 2),
  ...(mode === 'tiny' ? {} : { kbMatch: kbMatchOptions(opts), memory: memoryOptions(opts) }),
});
const cpu = process.cpuUsage();
console.log(`\nload average at the end ${results.loadAvg1minAtEnd}; process CPU time ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s over ${results.wallSeconds.toFixed(1)} s wall`);
const json = opts.string('json');
if (json !== undefined) {
  writeFileSync(json, JSON.stringify(results, null, 2) + '\n');
  console.log(`\nwrote ${json}`);
}
const svg = opts.string('svg');
if (svg !== undefined && results.kbSweep !== undefined) {
  writeFileSync(svg, sweepChart(results.kbSweep, `${results.date.slice(0, 10)}, ${before.cpus} CPUs, ${results.kbSweep.adapter ?? 'no GPU'}`));
  console.log(`wrote ${svg}`);
}
