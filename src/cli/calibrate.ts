// `metta calibrate`: measures on this machine what a batch of match patterns costs on each path the
// scheduler can choose (CPU inline, worker pool, GPU), fits a fixed cost per batch and a cost per
// pattern to each, and stores them in the per-user cache file the scheduler reads
// (src/scheduler/cost-model.ts). Answers of every path are checked against the CPU's first.

// Parsing is here too; the engine is loaded only when the command runs (args.ts imports this file).

import { availableParallelism, cpus } from 'node:os';
import type { Atom } from '../core/atoms.js';
import { isLogLevel, type LogLevel } from '../core/log.js';
import type { CostModel, MatchPath, PathCost } from '../scheduler/cost-model.js';
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
worker threads, the GPU when an adapter exists; --gpu off skips it, on requires it), fits a cost
per batch and per pattern, and saves them to ${'$'}METTA_CALIBRATION or ~/.cache/metta-gpu/calibration.json.
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

const SIZES = [64, 512, 4096];

/** Runs the calibration, prints the fitted costs and the crossovers, saves the model. */
export async function runCalibrateCommand(command: CalibrateCommand, io: { out(t: string): void; err(t: string): void }): Promise<number> {
  const { expr, sym, variable } = await import('../core/atoms.js');
  const { setLogLevel } = await import('../core/log.js');
  const { BatchMatcher, bulkPatternOf, formatAnswer } = await import('../api/bulk-query.js');
  const { AtomSpace } = await import('../space/atom-space.js');
  const { calibrationFile, fitCost, saveCostModel } = await import('../scheduler/cost-model.js');
  if (command.log !== null) setLogLevel(command.log);
  const space = new AtomSpace();
  const nodes = Math.max(10, Math.floor(command.facts / 10));
  let seed = 12345;
  const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % nodes);
  for (let k = 0; k < command.facts; k++) space.add(expr([sym('edge'), sym(`n${rand()}`), sym(`n${rand()}`)]));
  const view = space.snapshot();
  const patterns = (n: number): Atom[] => Array.from({ length: n }, (_, k) => expr([sym('edge'), sym(`n${(k * 7919) % nodes}`), variable('y')]));
  const position = { file: '<calibrate>', line: 1, column: 1 };

  const cpu = await BatchMatcher.open(view, 'cpu');
  const gpu = command.gpu === 'off' ? null : await BatchMatcher.open(view, 'gpu', () => {});
  if (command.gpu === 'on' && (gpu === null || !gpu.onGpu)) {
    io.err('metta calibrate: --gpu on: no GPU adapter\n');
    await gpu?.close();
    return 2;
  }
  const pool = command.workers > 1 ? (await import('./query-pool.js')).QueryWorkerPool.open(command.workers, space, view) : null;
  const paths: Partial<Record<MatchPath, PathCost>> = {};
  try {
    const lines = async (path: MatchPath, atoms: Atom[]): Promise<string[]> => {
      const items = atoms.map((a) => bulkPatternOf(a, false, position));
      if (path === 'pool') return (await pool!.answer(items, 0, 'text')) ?? [];
      const answers = await (path === 'gpu' ? gpu! : cpu).answer(atoms, path === 'gpu');
      return items.map((item, k) => formatAnswer(k, item, answers[k]!, 'text'));
    };
    const candidates: MatchPath[] = ['cpu', ...(pool !== null ? (['pool'] as const) : []), ...(gpu?.onGpu === true ? (['gpu'] as const) : [])];
    for (const path of candidates) {
      const reference = await lines('cpu', patterns(SIZES[0]!));
      const got = await lines(path, patterns(SIZES[0]!));
      if (got.join('\n') !== reference.join('\n')) throw new Error(`${path} answered differently from the CPU`);
      const samples: { patterns: number; ms: number }[] = [];
      for (const n of SIZES) {
        const batch = patterns(n);
        await lines(path, batch); // warm
        let best = Infinity;
        for (let r = 0; r < 3; r++) {
          const t0 = performance.now();
          await lines(path, batch);
          best = Math.min(best, performance.now() - t0);
        }
        samples.push({ patterns: n, ms: best });
      }
      paths[path] = fitCost(samples);
      io.out(`${path.padEnd(4)} ${samples.map((s) => `${s.patterns}: ${s.ms.toFixed(2)} ms`).join(', ')} -> ${paths[path]!.overheadMs.toFixed(2)} ms per batch + ${paths[path]!.perPatternUs.toFixed(2)} µs per pattern\n`);
    }
  } finally {
    await cpu.close();
    await gpu?.close();
    await pool?.close();
  }
  const model: CostModel = {
    paths,
    machine: `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'})${gpu?.adapter ? `, GPU ${gpu.adapter}` : ''}`,
    date: new Date().toISOString(),
  };
  saveCostModel(model);
  io.out(`saved to ${calibrationFile()} (measured on ${model.machine})\n`);
  return 0;
}
