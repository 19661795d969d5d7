// `metta calibrate`: measures on this machine what a batch of match patterns costs on each path the
// scheduler can choose (CPU inline, worker pool, GPU) at batch sizes from 1 to 4,096, keeps those
// timings (the scheduler follows them piecewise-linearly) with a line fitted through them (a fixed
// cost per batch and a cost per pattern; calibration.ts, which the kb-match sweep reuses), and stores them in the
// per-user cache file the scheduler reads (src/scheduler/cost-model.ts). Answers of every path are
// checked against the CPU's first.

// Parsing is here too; the engine is loaded only when the command runs (args.ts imports this file).

import { availableParallelism } from 'node:os';
import { isLogLevel, type LogLevel } from '../core/log.js';
import { UsageError } from './args.js';

export interface CalibrateCommand {
  readonly kind: 'calibrate';
  readonly gpu: 'auto' | 'on' | 'off';
  readonly workers: number;
  readonly facts: number;
  readonly log: LogLevel | null;
}

export const CALIBRATE_USAGE = `Usage: metta calibrate [--gpu auto|on|off] [--workers N] [--facts N]

Times batches of match patterns on each path the scheduler chooses between (the CPU, a pool of N
worker threads, the GPU when an adapter exists; --gpu off skips it, on requires it) at 1 to 4,096
patterns, and saves the timings (and a line through them) to ${'$'}METTA_CALIBRATION or
~/.cache/metta-gpu/calibration.json.
--facts N sizes the generated knowledge base (default 20000).`;

export function parseCalibrateArgs(args: readonly string[]): CalibrateCommand | { kind: 'help'; usage: string } {
  let gpu: CalibrateCommand['gpu'] = 'auto';
  let workers = Math.min(4, Math.max(2, availableParallelism()));
  let facts = 20_000;
  let log: LogLevel | null = null;
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`, CALIBRATE_USAGE);
      return v;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return { kind: 'help', usage: CALIBRATE_USAGE };
      case '--gpu': {
        const m = value();
        if (m !== 'auto' && m !== 'on' && m !== 'off') throw new UsageError(`--gpu expects auto, on or off, got '${m}'`, CALIBRATE_USAGE);
        gpu = m;
        break;
      }
      case '--workers':
      case '--facts': {
        const text = value();
        const n = Number(text);
        if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} expects a positive integer, got '${text}'`, CALIBRATE_USAGE);
        if (flag === '--workers') workers = n;
        else facts = n;
        break;
      }
      case '--log': {
        const level = value();
        if (!isLogLevel(level)) throw new UsageError(`--log expects error, warn, info or debug, got '${level}'`, CALIBRATE_USAGE);
        log = level;
        break;
      }
      default:
        throw new UsageError(`unknown option ${flag} for metta calibrate`, CALIBRATE_USAGE);
    }
  }
  return { kind: 'calibrate', gpu, workers, facts, log };
}

/** Runs the calibration (calibration.ts), prints the timings and fitted lines, saves the model. */
export async function runCalibrateCommand(command: CalibrateCommand, io: { out(t: string): void; err(t: string): void }): Promise<number> {
  const { setLogLevel } = await import('../core/log.js');
  const { calibrate, CalibrationError } = await import('./calibration.js');
  const { calibrationFile, saveCostModel } = await import('../scheduler/cost-model.js');
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
