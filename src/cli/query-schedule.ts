// How `metta query` schedules its batches, shared with the kb-match sweep (bench/kb-sweep.ts), which
// times `--gpu auto` exactly as the command runs it: which matcher to open, which paths the
// scheduler may choose, and the run of one batch on the chosen path (the decision included).

import { type AnswerFormat, type BatchMatcher, type BulkPattern, formatAnswer } from '../api/bulk-query.js';
import type { CostModel, MatchPath } from '../scheduler/cost-model.js';
import { type Decision, Scheduler } from '../scheduler/scheduler.js';
import type { QueryPool } from './query.js';

export type GpuMode = 'auto' | 'on' | 'off';

/**
 * Whether to open the GPU: `--gpu on` always; `auto` only when a calibration found the GPU can win
 * (it has a calibrated cost); `off` never.
 */
export function opensGpu(gpu: GpuMode, model: CostModel, calibrated: boolean): boolean {
  return gpu === 'on' || (gpu === 'auto' && calibrated && (model.paths.gpu?.overheadMs ?? Infinity) < 1e9);
}

/**
 * The scheduler over the paths open: the CPU always, the pool when one was opened (`--workers N`,
 * which then forces it), the GPU when the matcher has an adapter (`--gpu on` forces it).
 */
export function queryScheduler(model: CostModel, gpu: GpuMode, matcher: BatchMatcher, pool: QueryPool | null): { scheduler: Scheduler; available: MatchPath[] } {
  const available: MatchPath[] = ['cpu'];
  if (pool !== null) available.push('pool');
  if (matcher.onGpu) available.push('gpu');
  // `keepDecisions` false: per-path totals only, no list of every decision. A run of many small
  // batches (`--batch 1`) would otherwise keep one object per batch, and the garbage collector's
  // copying of them costs microseconds per batch (measured by the kb-match sweep's auto series at
  // one pattern per batch).
  const forced: MatchPath | null = gpu === 'on' ? 'gpu' : pool !== null ? 'pool' : null;
  return { scheduler: new Scheduler(model, available, forced, false), available };
}

/**
 * One batch on the path the scheduler chooses: the printed line of each pattern (numbered from
 * `index`) and the decision, its measured time set (the answer and the formatting; callers that
 * time the whole call include the choice).
 * A GPU that fails is dropped for later batches (the CPU answered this one).
 */
export async function answerScheduled(
  scheduler: Scheduler,
  matcher: BatchMatcher,
  pool: QueryPool | null,
  patterns: readonly BulkPattern[],
  index: number,
  format: AnswerFormat,
): Promise<{ lines: string[]; decision: Decision }> {
  const decision = scheduler.choose(patterns.length);
  const started = performance.now();
  let lines = decision.path === 'pool' && pool !== null ? await pool.answer(patterns, index, format) : null;
  if (lines === null) {
    const answers = await matcher.answer(
      patterns.map((p) => p.pattern),
      decision.path === 'gpu',
    );
    if (decision.path === 'gpu' && !matcher.onGpu) scheduler.drop('gpu'); // failed: the CPU answered
    lines = [];
    for (let k = 0; k < patterns.length; k++) lines.push(formatAnswer(index + k, patterns[k]!, answers[k]!, format));
  }
  scheduler.measured(decision, performance.now() - started);
  return { lines, decision };
}

