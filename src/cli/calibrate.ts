// `metta calibrate`: measures on this machine what a batch of match patterns costs on each path the
// scheduler can choose (CPU inline, worker pool, GPU) at batch sizes from 1 to 4,096, keeps those
// timings (the scheduler follows them piecewise-linearly) with a line fitted through them (a fixed
// cost per batch and a cost per pattern; calibration.ts, which the kb-match sweep reuses), and stores them in the
// per-user cache file the scheduler reads (src/scheduler/cost-model.ts). Answers of every path are
// checked against the CPU's first.

// Parsing is here too; the engine is loaded only when the command runs (args.ts imports this file).

import { availableParallelism } from 'node:os';
// Directly, not through the folder's index.ts: this runs on the command's main thread, which
// must not load the engine (.dependency-cruiser.cjs lists these light modules).
import type { LogLevel } from '../core/log.js';
import { type OptionSpecs, positiveInteger, readOptions, readToolOption, TOOL_OPTIONS, toolSettings, UsageError, withUsage, type WorkersCap } from './parse-options.js';

export interface CalibrateCommand {
  readonly kind: 'calibrate';
  readonly gpu: 'auto' | 'on' | 'off';
  readonly workers: number;
  /** Set when `--workers N` was more than the cap and `workers` is the cap. */
  readonly workersCapped?: WorkersCap | null;
  readonly facts: number;
  readonly log: LogLevel | null;
}

export const CALIBRATE_USAGE = `Usage: metta calibrate [--gpu auto|on|off] [--workers N] [--facts N]

Times batches of match patterns on each path the scheduler chooses between (the CPU, a pool of N
worker threads, the GPU when an adapter exists; --gpu off skips it, on requires it) at 1 to 4,096
patterns, and saves the timings (and a line through them) to ${'$'}METTA_CALIBRATION or
~/.cache/metta-gpu/calibration.json.
--facts N sizes the generated knowledge base (default 20000).`;

const CALIBRATE_OPTIONS = { ...TOOL_OPTIONS, facts: { type: 'string' } } as const satisfies OptionSpecs;

/** `metta calibrate ...` (argv after `calibrate`); `cores` caps `--workers` (parse-options.ts). */
export function parseCalibrateArgs(args: readonly string[], cores?: number): CalibrateCommand | { kind: 'help'; usage: string } {
  return withUsage(CALIBRATE_USAGE, () => {
    const shared = toolSettings();
    let facts = 20_000;
    const unknown = (option: string): string => `unknown option ${option} for metta calibrate`;
    for (const item of readOptions(args, CALIBRATE_OPTIONS, unknown)) {
      if (item.kind === 'positional') throw new UsageError(unknown(item.value));
      const read = readToolOption(item, shared, cores);
      if (read === 'help') return { kind: 'help', usage: CALIBRATE_USAGE };
      if (!read && item.name === 'facts') facts = positiveInteger('--facts', item.value);
    }
    const workers = shared.workers ?? Math.min(4, Math.max(2, availableParallelism()));
    return { kind: 'calibrate', gpu: shared.gpu, workers, workersCapped: shared.workersCapped, facts, log: shared.log };
  });
}

/** Runs the calibration (calibration.ts), prints the timings and fitted lines, saves the model. */
export async function runCalibrateCommand(command: CalibrateCommand, io: { out(t: string): void; err(t: string): void }): Promise<number> {
  const { setLogLevel } = await import('../core/index.js');
  const { calibrate, CalibrationError } = await import('../query/index.js');
  const { calibrationFile, saveCostModel } = await import('../scheduler/index.js');
  if (command.log !== null) setLogLevel(command.log);
  let model;
  try {
    ({ model } = await calibrate({ gpu: command.gpu, workers: command.workers, facts: command.facts, out: (line) => io.out(line + '\n') }));
  } catch (e) {
    if (!(e instanceof CalibrationError)) throw e;
    io.err(`metta calibrate: ${e.message}\n`);
    return 2;
  }
  saveCostModel(model);
  io.out(`saved to ${calibrationFile()} (measured on ${model.machine})\n`);
  return 0;
}
