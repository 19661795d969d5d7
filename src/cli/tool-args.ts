// Arguments of the `metta query` and `metta bench` subcommands (args.ts hands them over), read
// with parse-options.ts.

// Directly, not through the folder's index.ts: this runs on the command's main thread, which
// must not load the engine (.dependency-cruiser.cjs lists these light modules).
import type { LogLevel } from '../core/log.js';
import type { GpuMode } from '../scheduler/index.js';
import { oneOf, type OptionSpecs, positiveInteger, positiveSeconds, readOptions, readToolOption, TOOL_OPTIONS, toolSettings, UsageError, withUsage, type WorkersCap } from './parse-options.js';

export interface QueryCommand {
  readonly kind: 'query';
  readonly kb: string;
  readonly patterns: string;
  readonly gpu: GpuMode;
  readonly format: 'text' | 'jsonl';
  /** `--workers N`: threads answering a batch (1: this thread). */
  readonly workers: number | null;
  /** Set when `--workers N` was more than the cap and `workers` is the cap. */
  readonly workersCapped?: WorkersCap | null;
  /** Patterns per batch. */
  readonly batch: number;
  /** `--quiet`: no progress bar, no summary. */
  readonly quiet: boolean;
  /** `--progress`: draw the progress bar even when standard error is not a terminal. */
  readonly progress: boolean;
  readonly log: LogLevel | null;
  /** `--max-steps N`: interpreter steps allowed for each !form of KB. */
  readonly maxSteps: number | null;
  /** `--timeout S`: seconds allowed for the whole command (loading KB and answering). */
  readonly timeout: number | null;
}

export const QUERY_USAGE = `Usage: metta query KB.metta PATTERNS.metta [options]

Answers every pattern of PATTERNS against the knowledge base KB, one output line per
pattern, in pattern order, streamed as batches complete.

KB is loaded like a program: its atoms form the space &self; its !forms run and what
they print goes to stderr. A compiled space (metta compile; named .mspace or starting
with its magic bytes) is loaded as it is, without parsing or re-indexing. PATTERNS holds one pattern per top-level item (usually one
per line): a bare pattern P (or !P) prints P instantiated by each match; a form
!(match &self P T) prints the template T instantiated by each match (not evaluated).
Conjunctions (, P1 P2 ...) are answered as match answers them. Results are in
insertion order (SPEC §4).

Options:
  --format text|jsonl  text (default): [r1, r2, ...] per pattern, as metta run prints;
                       jsonl: one JSON object per pattern: index, pattern, template,
                       line, column, results
  --gpu auto|on|off    on: answer each batch on the GPU (same output; without an adapter
                       a warning and the CPU); auto (the default): each batch on the path
                       the cost model of metta calibrate predicts fastest (CPU, worker
                       pool or GPU; the CPU without a calibration); off: auto without
                       the GPU
  --workers N          threads answering every batch (1: this thread only; see
                       docs/performance.md)
  --batch N            patterns per batch (default 4096)
  --max-steps N        stop a !form of KB after N interpreter steps
  --timeout S          stop after S seconds (decimals allowed), counted from the start:
                       a !form of KB running then is stopped, or no batch of patterns
                       is started after it
  --progress           draw the progress bar even when stderr is not a terminal
  --quiet              no progress bar
  --log LEVEL          log to stderr: error, warn, info or debug (also METTA_LOG)
  -h, --help           show this help

Exit codes: 0 success, 1 a !form of KB produced an error or a limit stopped the
command (when it stops KB, no pattern is answered; when it stops the answering, the
answers printed are those of the patterns before it), 2 usage error, unreadable
file, or a syntax error (file:line:column: reason; the answers to the patterns
before it are printed first).`;

export const BENCH_SUITES = ['interp', 'kb-match', 'batch-parallel', 'memory', 'runtime-kb'] as const;
export type BenchSuite = (typeof BENCH_SUITES)[number];

export interface BenchCommand {
  readonly kind: 'bench';
  /** `--quick`: small sizes, about a minute in all. */
  readonly quick: boolean;
  /** `--tiny`: the smallest sizes (a few seconds; for tests of the command itself). */
  readonly tiny: boolean;
  readonly suites: readonly BenchSuite[];
  readonly json: string | null;
  readonly svg: string | null;
  /** GPU paths of kb-match: on (required), off (skipped), auto (when an adapter exists). */
  readonly gpu: GpuMode;
  /** Threads of the pool paths (batch-parallel, the CPU pool of kb-match). */
  readonly workers: number | null;
  /** Set when `--workers N` was more than the cap and `workers` is the cap. */
  readonly workersCapped?: WorkersCap | null;
  readonly log: LogLevel | null;
}

export const BENCH_USAGE = `Usage: metta bench [--quick | --tiny] [--suite NAMES] [--json FILE] [--svg FILE] [options]

Runs the benchmark suites of bench/ in this process and prints a table per suite:
  interp          the interpreter on fib, n-queens, Pythagorean triples, a 10k list
  kb-match        bulk matching on a KB of (edge nI nJ) facts: the trie matcher versus a
                  naive scan, then throughput against batch size for each path (CPU trie,
                  CPU pool, GPU trie kernel, brute-force GPU baseline) and the crossover
  batch-parallel  a batch of !forms sequential versus on the worker pool
  memory          snapshot (frozen trie) size and build time
  runtime-kb      a KB built at run time with add-atom and queried (fresh metta processes),
                  then add and match throughput of the live index at 1M facts

Options:
  --quick            small sizes: about a minute on a 2-core machine
  --tiny             the smallest sizes (seconds; checks that everything runs)
  --suite NAMES      comma-separated subset of: ${BENCH_SUITES.join(', ')} (default: all)
  --json FILE        write every figure, with the machine and date, to FILE
  --svg FILE         draw throughput against batch size per path (kb-match) to FILE
  --gpu auto|on|off  GPU paths of kb-match: auto (default) when an adapter exists,
                     on (fail without one), off (skip)
  --workers N        threads of the pool paths (default 2)
  --log LEVEL        log to stderr: error, warn, info or debug
  -h, --help         show this help

Full sizes: npm run bench (see docs/performance.md, "How to reproduce").`;

const QUERY_OPTIONS = {
  ...TOOL_OPTIONS,
  format: { type: 'string' },
  batch: { type: 'string' },
  quiet: { type: 'boolean' },
  progress: { type: 'boolean' },
  'max-steps': { type: 'string' },
  timeout: { type: 'string' },
} as const satisfies OptionSpecs;

/** `metta query ...` (argv after `query`); `cores` caps `--workers` (parse-options.ts). */
export function parseQueryArgs(args: readonly string[], cores?: number): QueryCommand | { kind: 'help'; usage: string } {
  return withUsage(QUERY_USAGE, () => {
    const files: string[] = [];
    const shared = toolSettings();
    let format: 'text' | 'jsonl' = 'text';
    let batch = 4096;
    let quiet = false;
    let progress = false;
    let maxSteps: number | null = null;
    let timeout: number | null = null;
    for (const item of readOptions(args, QUERY_OPTIONS)) {
      if (item.kind === 'positional') {
        files.push(item.value);
        continue;
      }
      const read = readToolOption(item, shared, cores);
      if (read === 'help') return { kind: 'help', usage: QUERY_USAGE };
      if (read) continue;
      const { value } = item;
      switch (item.name as keyof typeof QUERY_OPTIONS) {
        case 'format':
          format = oneOf('--format', value, ['text', 'jsonl'] as const);
          break;
        case 'batch':
          batch = positiveInteger('--batch', value);
          break;
        case 'quiet':
          quiet = true;
          break;
        case 'progress':
          progress = true;
          break;
        case 'max-steps':
          maxSteps = positiveInteger('--max-steps', value);
          break;
        case 'timeout':
          timeout = positiveSeconds('--timeout', value);
          break;
      }
    }
    const { gpu, workers, workersCapped, log } = shared;
    if (files.length !== 2) throw new UsageError(`expected KB.metta and PATTERNS.metta, got ${files.length === 0 ? 'no file' : files.map((f) => `'${f}'`).join(' ')}`);
    return { kind: 'query', kb: files[0]!, patterns: files[1]!, gpu, format, workers, workersCapped, batch, quiet, progress, log, maxSteps, timeout };
  });
}

const BENCH_OPTIONS = {
  ...TOOL_OPTIONS,
  quick: { type: 'boolean' },
  tiny: { type: 'boolean' },
  suite: { type: 'string' },
  suites: { type: 'string' },
  json: { type: 'string' },
  svg: { type: 'string' },
} as const satisfies OptionSpecs;

/** `metta bench ...` (argv after `bench`); `cores` caps `--workers` (parse-options.ts). */
export function parseBenchArgs(args: readonly string[], cores?: number): BenchCommand | { kind: 'help'; usage: string } {
  return withUsage(BENCH_USAGE, () => {
    let quick = false;
    let tiny = false;
    let suites: BenchSuite[] = [...BENCH_SUITES];
    let json: string | null = null;
    let svg: string | null = null;
    const shared = toolSettings();
    for (const item of readOptions(args, BENCH_OPTIONS)) {
      if (item.kind === 'positional') {
        // `-` alone is a positional for parseArgs; here it was always reported as an option.
        throw new UsageError(item.value.startsWith('-') ? `unknown option ${item.value}` : `metta bench takes no file, got '${item.value}'`);
      }
      const read = readToolOption(item, shared, cores);
      if (read === 'help') return { kind: 'help', usage: BENCH_USAGE };
      if (read) continue;
      const { value } = item;
      switch (item.name as keyof typeof BENCH_OPTIONS) {
        case 'quick':
          quick = true;
          break;
        case 'tiny':
          tiny = true;
          break;
        case 'suite':
        case 'suites': {
          const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
          for (const n of names) if (!(BENCH_SUITES as readonly string[]).includes(n)) throw new UsageError(`--suite: unknown suite '${n}' (suites: ${BENCH_SUITES.join(', ')})`);
          suites = BENCH_SUITES.filter((s) => names.includes(s));
          break;
        }
        case 'json':
          json = value;
          break;
        case 'svg':
          svg = value;
          break;
      }
    }
    const { gpu, workers, workersCapped, log } = shared;
    if (quick && tiny) throw new UsageError('--quick and --tiny exclude each other');
    if (svg !== null && !suites.includes('kb-match')) throw new UsageError('--svg draws the kb-match suite: include it in --suite');
    return { kind: 'bench', quick, tiny, suites, json, svg, gpu, workers, workersCapped, log };
  });
}
