// `metta run --gpu auto`: the GPU answers the program's runs of top-level match forms when the
// calibrated cost model (`metta calibrate`) predicts it faster than the CPU for the largest run;
// otherwise — and without a calibration or an adapter — the CPU does, quietly (nothing was asked
// for explicitly).

import { log } from '../core/log.js';
import { GpuError } from '../gpu/errors.js';
import { GpuQueryService, matchRuns } from '../gpu/query-service.js';
import { loadCostModel } from './cost-model.js';
import { Scheduler } from './scheduler.js';

export function scheduledGpuQueries(text: string, file: string): GpuQueryService | null {
  const { model, calibrated } = loadCostModel();
  if (!calibrated || model.paths.gpu === undefined) return null;
  const crossover = new Scheduler(model, ['cpu', 'gpu']).crossover('gpu');
  const largest = matchRuns(text, file).reduce((n, r) => Math.max(n, r.patterns.length), 0);
  if (crossover === null || largest < crossover) {
    log('info', `gpu auto: the largest run of top-level matches has ${largest} pattern(s); the GPU pays from ${crossover ?? 'never'}: CPU`);
    return null;
  }
  log('info', `gpu auto: a run of ${largest} top-level matches; the GPU pays from ${crossover}: GPU`);
  try {
    return new GpuQueryService(text, file);
  } catch (e) {
    if (!(e instanceof GpuError)) throw e;
    log('info', `gpu auto: ${e.message}; CPU`);
    return null;
  }
}
