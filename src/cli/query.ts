// `metta query KB PATTERNS`: answers every pattern of PATTERNS against the knowledge base KB,
// streaming one line per pattern in pattern order (see src/query/bulk.ts for what a pattern is
// and how a batch is answered).
//
// The KB is loaded as `metta run` loads a program (plain atoms go to &self; its `!` forms run, and
// whatever they print goes to standard error, so standard output holds only the answers). The space
// is then frozen once (`snapshot`) and the patterns are read, answered and printed a batch at a time
// (`--batch`, default 4,096), so output starts after the first batch and memory stays bounded
// however many patterns there are. A progress bar goes to standard error when it is a terminal.

import { closeSync, openSync, readSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MettaSyntaxError, readSourceFile } from '../core/index.js';
import { formatAtom } from '../core/index.js';
import { type LogLevel, log, setLogLevel } from '../core/index.js';
import { Engine } from '../api/index.js';
import { LazyPool, openGpuPatterns, PatternReader, planPool, type QueryPool, queryAnswerer } from '../query/index.js';
import { loadCostModel } from '../scheduler/index.js';
import { ExitCode, looksLikeSpaceImage } from '../runner/index.js';
import type { AtomSpace, SpaceSnapshot } from '../space/index.js';
import { loadCompiledSpace } from './space-job.js';
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
    return readSourceFile(file);
  } catch (e) {
    if (e instanceof MettaSyntaxError) {
      io.err(e.message + '\n');
      return null;
    }
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    io.err(`metta: cannot read ${file}: ${reason}\n`);
    return null;
  }
}

/** Whether KB names a compiled space: by its `.mspace` name, or by its first bytes. */
function isCompiledSpace(file: string): boolean {
  if (file.endsWith('.mspace')) return true;
  try {
    const fd = openSync(file, 'r');
    try {
      const head = new Uint8Array(8);
      return looksLikeSpaceImage(head.subarray(0, readSync(fd, head, 0, 8, 0)));
    } finally {
      closeSync(fd);
    }
  } catch {
    return false; // reported when the KB is read as text
  }
}

export async function runQueryCommand(command: QueryCommand, logLevel: LogLevel | 'off', io: QueryIo): Promise<number> {
  setLogLevel(logLevel);
  // --timeout counts from here: loading KB (its !forms stop at the deadline as in `metta run`), then
  // no batch starts after it.
  const deadline = command.timeout === null ? null : performance.now() + command.timeout * 1000;
  // A compiled space (`metta compile`) is loaded as it is: no parsing, no !forms to run.
  let space: AtomSpace | null = null;
  let kbText: string | null = null;
  if (isCompiledSpace(command.kb)) {
    const loaded = loadCompiledSpace(command.kb, io.err);
    if (typeof loaded === 'number') return loaded;
    space = loaded;
  } else {
    kbText = readText(command.kb, io);
    if (kbText === null) return ExitCode.Usage;
  }
  const patternText = readText(command.patterns, io);
  if (patternText === null) return ExitCode.Usage;

  const timeLeft = deadline === null ? null : Math.max(0.001, (deadline - performance.now()) / 1000);
  const engine = new Engine({ keepGoing: true, currentDir: dirname(resolve(command.kb)), maxSteps: command.maxSteps, timeout: timeLeft, ...(space !== null ? { space } : {}) });
  let kbExit: number = ExitCode.Ok;
  if (kbText !== null) {
    try {
      const loaded = engine.load(kbText, command.kb);
      if (loaded.stdout !== '') io.err(loaded.stdout);
      if (loaded.stderr !== '') io.err(loaded.stderr);
      kbExit = loaded.exitCode;
      if (loaded.stopped !== null) {
        // The space is what the stopped form left: answering against it would look complete.
        io.err(`metta query: ${command.kb} did not load completely (${loaded.stopped}); no pattern is answered\n`);
        await engine.close();
        return ExitCode.ErrorResult;
      }
    } catch (e) {
      await engine.close();
      if (!(e instanceof MettaSyntaxError)) throw e;
      io.err(e.message + '\n');
      return ExitCode.Usage;
    }
  }
  // The CPU answers through the space's live index; the frozen trie that the GPU and the pool's
  // threads read is built only when one of them opens (at a million facts it takes seconds).
  log('info', `query: ${engine.space.size} atoms in the space`);
  let frozen: SpaceSnapshot | null = null;
  const snapshot = (): SpaceSnapshot => {
    if (frozen === null) {
      const t0 = performance.now();
      frozen = engine.space.snapshot();
      log('info', `query: frozen trie for the GPU and the pool built in ${(performance.now() - t0).toFixed(0)} ms`);
    }
    return frozen;
  };

  // The scheduler picks a path per batch from the calibrated cost model (`metta calibrate`);
  // `--gpu on` and an explicit `--workers N` force their path, `--gpu off` rules the GPU out, and
  // `auto` opens the GPU only when a calibration found it can win. The pool, when `--workers` is
  // not given, is a candidate (of auto and off) when a calibration measured it and the run's work
  // pays its start-up (planPool, src/query/plan.ts); it is then started the first time a batch is
  // sent to it.
  const { model, calibrated } = loadCostModel();
  const gpu = await openGpuPatterns(snapshot, command.gpu, model, calibrated, io.err);
  const self = engine.environment.self;
  const reader = new PatternReader(patternText, command.patterns, engine.environment.tokens, (a) => a === self || formatAtom(a) === '&self');
  const batchSize = command.batch;
  // The first batch is read before the pool is weighed: the share of the file it took estimates
  // the run's patterns (exact when it is the whole file).
  let pending: ReturnType<PatternReader['nextBatch']> | null = reader.nextBatch(batchSize);
  const firstCount = pending.patterns.length;
  const total = reader.finished || reader.progress >= 1 || pending.error !== null ? firstCount : Math.round(firstCount / Math.max(reader.progress, 1e-9));
  const plan = planPool({ model, calibrated, gpu: command.gpu, workers: command.workers, others: gpu !== null ? ['cpu', 'gpu'] : ['cpu'], batch: batchSize, total, trieAtoms: frozen === null ? engine.space.size : 0 });
  const pool: QueryPool | null =
    plan.mode === 'forced' ? await openPool(plan.workers, engine, snapshot()) : plan.mode === 'candidate' ? new LazyPool(plan.workers, () => openPool(plan.workers, engine, snapshot())) : null;
  const lazy = pool instanceof LazyPool ? pool : null;
  const { answerer, available, counts } = queryAnswerer({ view: engine.space.view(), model, gpuMode: command.gpu, gpu, pool, poolForced: plan.mode === 'forced', warn: io.err });
  const scheduler = answerer.scheduler;
  log('info', `query: scheduler over ${available.join(', ')} (${calibrated ? `calibrated${model.date !== undefined ? ' ' + model.date : ''}` : 'default costs: run `metta calibrate`'})`);
  log('info', `query: pool: ${plan.reason}`);
  if (gpu !== null) log('info', `query: GPU adapter ${gpu.adapter}`);
  const bar = !command.quiet && (command.progress || io.errIsTty === true) ? new ProgressBar(io.err) : null;
  let index = 0;
  let exitCode: number = kbExit === ExitCode.Ok ? ExitCode.Ok : ExitCode.ErrorResult;
  try {
    for (;;) {
      if (deadline !== null && performance.now() >= deadline) {
        bar?.clear();
        io.err(`metta query: time limit reached (--timeout) after ${index} pattern${index === 1 ? '' : 's'}; the rest are not answered\n`);
        exitCode = ExitCode.ErrorResult;
        break;
      }
      const { patterns, error } = pending ?? reader.nextBatch(batchSize);
      pending = null;
      if (patterns.length > 0) {
        const wasStarted = lazy?.started ?? true;
        const { answers: lines } = await answerer.answer({ patterns, firstIndex: index, format: command.format });
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
    await answerer.close();
    await engine.close();
  }
  log('info', `query: scheduler: ${scheduler.summary()}`);
  log('info', `query: answered: ${answerer.summary()}`);
  const on = (path: 'cpu' | 'pool' | 'gpu'): number => answerer.use(path).batches;
  const batches = on('cpu') + on('pool') + on('gpu');
  const gpuFailure = answerer.failures.get('gpu');
  log('info', `query: ${index} patterns in ${batches} batch(es); ${on('gpu')} on the GPU, ${on('cpu')} on the CPU${pool !== null ? `, ${on('pool')} on ${plan.workers} workers${lazy !== null && !lazy.started ? ' (pool never chosen, not started)' : ''}` : ''}; ${counts.results} results${gpuFailure !== undefined ? `; GPU failure: ${gpuFailure}` : ''}`);
  return exitCode;
}

/** The worker threads of the pool (query-pool.ts), loaded only when the pool starts. */
async function openPool(workers: number, engine: Engine, view: SpaceSnapshot): Promise<QueryPool | null> {
  const { QueryWorkerPool } = await import('../query/index.js');
  return QueryWorkerPool.open(workers, engine.space, view);
}
