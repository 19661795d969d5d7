// How `metta run --gpu on|auto` uses the GPU: through batched evaluation (runner/batched.ts), with
// the space queries of every step answered as one batch on the path the scheduler picks.
//
// - `on`: the GPU answers every batch (a missing adapter is a warning and the run stays on the
//   CPU; a GPU that fails later is dropped with a warning, and the CPU answers the rest).
// - `auto`: the calibrated cost model (`metta calibrate`) picks per batch, so the GPU answers the
//   batches above its crossover; without a calibration of the GPU, or one that says it never pays,
//   the run is not batched at all (nothing would go to the GPU) and the CPU answers, quietly.

import { log } from '../core/index.js';
import type { Environment } from '../eval/index.js';
import { GpuError } from '../gpu/index.js';
import { GpuSpaceQueries } from '../gpu/index.js';
import type { GpuMode } from '../scheduler/index.js';
import { loadCostModel } from '../scheduler/index.js';
import { Scheduler } from '../scheduler/index.js';
import { BatchAnswerer } from './batch-answerer.js';

/** The answerer batched evaluation uses for `--gpu mode`, or null when the run should not be batched. */
export function gpuAnswererFor(mode: Exclude<GpuMode, 'off'>, env: Environment, warn: (text: string) => void): BatchAnswerer | null {
  const { model, calibrated } = loadCostModel();
  if (mode === 'on') {
    let gpu: GpuSpaceQueries;
    try {
      gpu = new GpuSpaceQueries();
    } catch (e) {
      if (!(e instanceof GpuError)) throw e;
      warn(`metta: --gpu on: ${e.message}; matching runs on the CPU\n`);
      return null;
    }
    return new BatchAnswerer(env, new Scheduler(model, ['cpu', 'gpu'], 'gpu', false), () => gpu, (m) => warn(`metta: --gpu on: ${m}; matching continues on the CPU\n`));
  }
  if (!calibrated || model.paths.gpu === undefined) {
    log('info', 'gpu auto: no calibration of the GPU (run metta calibrate): evaluating on the CPU');
    return null;
  }
  const scheduler = new Scheduler(model, ['cpu', 'gpu'], null, false);
  const crossover = scheduler.crossover('gpu');
  if (crossover === null) {
    log('info', 'gpu auto: the calibration says the GPU never pays: evaluating on the CPU');
    return null;
  }
  log('info', `gpu auto: batched evaluation; the GPU answers query batches of ${crossover} or more`);
  return new BatchAnswerer(env, scheduler, () => new GpuSpaceQueries());
}
