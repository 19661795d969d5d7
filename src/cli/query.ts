// `metta query KB PATTERNS`: answers every pattern of PATTERNS against the knowledge base KB,
// streaming one line per pattern in pattern order (see src/api/bulk-query.ts for what a pattern is
// and how a batch is answered).
//
// The KB is loaded as `metta run` loads a program (plain atoms go to &self; its `!` forms run, and
// whatever they print goes to standard error, so standard output holds only the answers). The space
// is then frozen once (`snapshot`) and the patterns are read, answered and printed a batch at a time
// (`--batch`, default 4,096), so output starts after the first batch and memory stays bounded
// however many patterns there are. A progress bar goes to standard error when it is a terminal.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MettaSyntaxError } from '../core/errors.js';
import { formatAtom } from '../core/printer.js';
import { type LogLevel, log, setLogLevel } from '../core/log.js';
import { Engine } from '../api/engine.js';
import { type AnswerFormat, BatchMatcher, PatternReader } from '../api/bulk-query.js';
import { loadCostModel } from '../scheduler/cost-model.js';
import { answerScheduled, LazyPool, opensGpu, planPool, queryScheduler } from './query-schedule.js';
import { ExitCode } from '../runner/exit-code.js';
import type { QueryCommand } from './tool-args.js';

export type { QueryCommand } from './tool-args.js';


export interface QueryIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Resolves once standard output can take more (back-pressure: memory stays bounded). */
  readonly drain?: () => Promise<void>;
  /** Standard error is a terminal (draw the progress bar). */
  readonly errIsTty?: boolean;
}


/** Progress on stderr: `\r[#####-----]  45%  12,345 patterns  3,456/s`, redrawn at most every 100 ms. */
class ProgressBar {
  private last = 0;
  private drawn = false;
  private readonly start = performance.now();

  constructor(private readonly err: (text: string) => void) {}

  update(fraction: number, patterns: number, force = false): void {
    const now = performance.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const width = 30;
    const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
    const rate = patterns / Math.max(1e-3, (now - this.start) / 1000);
    this.err(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}%  ${patterns.toLocaleString('en-US')} patterns  ${Math.round(rate).toLocaleString('en-US')}/s\x1b[K`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.err('\r\x1b[K');
    this.drawn = false;
  }
}

function readText(file: string, io: QueryIo): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    io.err(`metta: cannot read ${file}: ${reason}\n`);
    return null;
  }
}

export async function runQueryCommand(command: QueryCommand, logLevel: LogLevel | 'off', io: QueryIo): Promise<number> {
  setLogLevel(logLevel);
  const kbText = readText(command.kb, io);
  if (kbText === null) return ExitCode.Usage;
  const patternText = readText(command.patterns, io);
  if (patternText === null) return ExitCode.Usage;

  const engine = new Engine({ keepGoing: true, currentDir: dirname(resolve(command.kb)) });
  let kbExit: number;
  try {
    const loaded = engine.load(kbText, command.kb);
    if (loaded.stdout !== '') io.err(loaded.stdout);
    if (loaded.stderr !== '') io.err(loaded.stderr);
    kbExit = loaded.exitCode;
  } catch (e) {
    if (!(e instanceof MettaSyntaxError)) throw e;
    io.err(e.message + '\n');
    return ExitCode.Usage;
  }
  const t0 = performance.now();
  const view = engine.space.snapshot();
  log('info', `query: ${engine.space.size} atoms in the space, snapshot in ${(performance.now() - t0).toFixed(0)} ms`);

  // The scheduler picks a path per batch from the calibrated cost model (`metta calibrate`);
  // `--gpu on` and an explicit `--workers N` force their path, `--gpu off` rules the GPU out, and
  // `auto` opens the GPU only when a calibration found it can win. The pool, when `--workers` is
  // not given, is a candidate (of auto and off) when a calibration measured it and the run's work
  // pays its start-up (planPool, query-schedule.ts); it is then started the first time a batch is
  // sent to it.
  const { model, calibrated } = loadCostModel();
  const matcher = await BatchMatcher.open(view, opensGpu(command.gpu, model, calibrated) ? 'gpu' : 'cpu', command.gpu === 'on' ? io.err : () => {});
  const self = engine.environment.self;
  const reader = new PatternReader(patternText, command.patterns, engine.environment.tokens, (a) => a === self || formatAtom(a) === '&self');
  const batchSize = command.batch;
  // The first batch is read before the pool is weighed: the share of the file it took estimates
  // the run's patterns (exact when it is the whole file).
  let pending: ReturnType<PatternReader['nextBatch']> | null = reader.nextBatch(batchSize);
  const firstCount = pending.patterns.length;
  const total = reader.finished || reader.progress >= 1 || pending.error !== null ? firstCount : Math.round(firstCount / Math.max(reader.progress, 1e-9));
  const plan = planPool({ model, calibrated, gpu: command.gpu, workers: command.workers, others: matcher.onGpu ? ['cpu', 'gpu'] : ['cpu'], batch: batchSize, total });
  const pool: QueryPool | null =
    plan.mode === 'forced' ? await openPool(plan.workers, engine, view) : plan.mode === 'candidate' ? new LazyPool(plan.workers, () => openPool(plan.workers, engine, view)) : null;
  const lazy = pool instanceof LazyPool ? pool : null;
  const { scheduler, available } = queryScheduler(model, command.gpu, matcher, pool, plan.mode === 'forced');
  log('info', `query: scheduler over ${available.join(', ')} (${calibrated ? `calibrated${model.date !== undefined ? ' ' + model.date : ''}` : 'default costs: run `metta calibrate`'})`);
  log('info', `query: pool: ${plan.reason}`);
  if (matcher.adapter !== null) log('info', `query: GPU adapter ${matcher.adapter}`);
  const bar = !command.quiet && (command.progress || io.errIsTty === true) ? new ProgressBar(io.err) : null;
  let index = 0;
  let exitCode: number = kbExit === ExitCode.Ok ? ExitCode.Ok : ExitCode.ErrorResult;
  try {
    for (;;) {
      const { patterns, error } = pending ?? reader.nextBatch(batchSize);
      pending = null;
      if (patterns.length > 0) {
        const wasStarted = lazy?.started ?? true;
        const { lines } = await answerScheduled(scheduler, matcher, pool, patterns, index, command.format);
        if (!wasStarted && lazy!.started) log('info', `query: pool of ${lazy!.workers} workers started for a batch of ${patterns.length} patterns (${lazy!.firstBatchMs!.toFixed(1)} ms, start-up included)`);
        const text = lines.join('\n') + '\n';
        index += patterns.length;
        bar?.clear();
        io.out(text);
        if (io.drain !== undefined) await io.drain();
        bar?.update(reader.progress, index);
      }
      if (error !== null) {
        bar?.clear();
        io.err(error.message + '\n');
        exitCode = ExitCode.Usage;
        break;
      }
      if (reader.finished) break;
    }
  } finally {
    bar?.update(1, index, true);
    bar?.clear();
    await matcher.close();
    await pool?.close();
    await engine.close();
  }
  log('info', `query: scheduler: ${scheduler.summary()}`);
  const s = matcher.stats;
  log('info', `query: ${index} patterns in ${s.batches + (pool?.batches ?? 0)} batch(es); ${s.gpuBatches} on the GPU, ${s.cpuBatches} on the CPU${pool !== null ? `, ${pool.batches} on ${plan.workers} workers${lazy !== null && !lazy.started ? ' (pool never chosen, not started)' : ''}` : ''}; ${s.results} results${s.gpuFailure !== null ? `; GPU failure: ${s.gpuFailure}` : ''}`);
  return exitCode;
}

export interface QueryPool {
  /** Printed lines for the batch, or null when it must be answered on this thread. */
  answer(patterns: readonly import('../api/bulk-query.js').BulkPattern[], firstIndex: number, format: AnswerFormat): Promise<string[] | null>;
  readonly batches: number;
  /** The pool could not start (a lazy pool whose worker is not built): the scheduler drops it. */
  readonly unavailable?: boolean;
  close(): Promise<void>;
}

/** The worker threads of the pool (query-pool.ts), loaded only when the pool starts. */
async function openPool(workers: number, engine: Engine, view: ReturnType<Engine['space']['snapshot']>): Promise<QueryPool | null> {
  const { QueryWorkerPool } = await import('./query-pool.js');
  return QueryWorkerPool.open(workers, engine.space, view);
}
