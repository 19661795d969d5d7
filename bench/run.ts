// bench/run: the benchmark suite behind `npm run bench` — kb-match, memory, interp and
// batch-parallel, in one process.
// Options are passed to both (see bench/kb-match.ts and bench/memory.ts); `--json FILE` writes one
// file with both results.
//
//   node --expose-gc dist/bench/run.js [--quick] [--clock wall|cpu] [--json FILE] [kb-match / memory options]

import { writeFileSync } from 'node:fs';
import { hasGc, machine, Options } from './common.js';
import { benchKbMatch, kbMatchOptions } from './kb-match.js';
import { benchMemory, memoryOptions } from './memory.js';
import { benchInterp } from './interp.js';
import { benchBatchParallel } from './batch-parallel.js';

const opts = new Options();
if (!hasGc()) console.log('note: run node with --expose-gc for steadier figures and meaningful memory deltas');
const started = new Date();
const before = machine();
console.log(`metta-gpu benchmarks — ${started.toISOString()} — node ${process.version}, ${before.cpus} CPUs (${before.cpuModel}), load average ${before.loadAvg1min}`);
const kbMatch = await benchKbMatch(kbMatchOptions(opts));
const memory = await benchMemory(memoryOptions(opts));
const interp = await benchInterp({ quick: opts.flag('quick') });
const batchParallel = await benchBatchParallel({ workers: opts.int('workers', undefined, 2), quick: opts.flag('quick') });
const after = machine();
const cpu = process.cpuUsage();
console.log(`\nload average at the end ${after.loadAvg1min}; process CPU time ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s over ${((Date.now() - started.getTime()) / 1000).toFixed(1)} s wall`);
const json = opts.string('json');
if (json !== undefined) {
  writeFileSync(json, JSON.stringify({ date: started.toISOString(), machine: before, loadAvg1minAtEnd: after.loadAvg1min, kbMatch, memory, interp, batchParallel }, null, 2) + '\n');
  console.log(`\nwrote ${json}`);
}
