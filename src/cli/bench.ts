// `metta bench`: the benchmark suites of src/bench/, run in this process: a table per suite on standard output, every
// figure to `--json FILE`, and the kb-match throughput chart to `--svg FILE`.

import { writeFileSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { type LogLevel, setLogLevel } from '../core/index.js';
import { ExitCode } from '../runner/index.js';
import type { BenchCommand } from './tool-args.js';

/** Makes `globalThis.gc` available (as `node --expose-gc` does), for steadier figures and memory deltas. */
function exposeGc(): void {
  if (typeof (globalThis as { gc?: unknown }).gc === 'function') return;
  try {
    v8.setFlagsFromString('--expose-gc');
    (globalThis as { gc?: unknown }).gc = vm.runInNewContext('gc');
  } catch {
    // Figures are then only indicative; bench/common.ts copes without gc.
  }
}

export async function runBenchCommand(command: BenchCommand, logLevel: LogLevel | 'off', io: { err: (text: string) => void }): Promise<number> {
  setLogLevel(logLevel);
  exposeGc();
  const { runSuites, sweepChart, machine } = await import('../bench/index.js');
  const mode = command.tiny ? 'tiny' : command.quick ? 'quick' : 'full';
  const m = machine();
  console.log(`metta bench (${mode}) — ${new Date().toISOString()} — node ${process.version}, ${m.cpus} CPUs (${m.cpuModel}), load average ${m.loadAvg1min}`);
  let results;
  try {
    results = await runSuites({ mode, suites: command.suites, gpu: command.gpu, workers: command.workers ?? 2 });
  } catch (e) {
    io.err(`metta bench: ${(e as Error).message}\n`);
    return ExitCode.ErrorResult;
  }
  console.log(`\ndone in ${results.wallSeconds.toFixed(1)} s; load average at the end ${results.loadAvg1minAtEnd}`);
  if (command.json !== null) {
    writeFileSync(command.json, JSON.stringify(results, null, 2) + '\n');
    console.log(`wrote ${command.json}`);
  }
  if (command.svg !== null) {
    if (results.kbSweep === undefined) {
      io.err('metta bench: --svg draws the kb-match suite, which did not run (--suite)\n');
      return ExitCode.Usage;
    }
    writeFileSync(command.svg, sweepChart(results.kbSweep, `${results.date.slice(0, 10)}, ${mode}, ${m.cpus} CPUs, ${results.kbSweep.adapter ?? 'no GPU'}`));
    console.log(`wrote ${command.svg}`);
  }
  return ExitCode.Ok;
}
