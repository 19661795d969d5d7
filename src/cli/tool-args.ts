// Arguments of the `metta query` and `metta bench` subcommands (args.ts hands them over).

import { isLogLevel, type LogLevel } from '../core/log.js';
import type { GpuMode } from '../runner/eval-config.js';
import { UsageError } from './args.js';

export interface QueryCommand {
  readonly kind: 'query';
  readonly kb: string;
  readonly patterns: string;
  readonly gpu: GpuMode;
  readonly format: 'text' | 'jsonl';
  /** `--workers N`: threads answering a batch (1: this thread). */
  readonly workers: number | null;
  /** Patterns per batch. */
  readonly batch: number;
  /** `--quiet`: no progress bar, no summary. */
  readonly quiet: boolean;
  /** `--progress`: draw the progress bar even when standard error is not a terminal. */
  readonly progress: boolean;
  readonly log: LogLevel | null;
}

export const QUERY_USAGE = `Usage: metta query KB.metta PATTERNS.metta [options]

Answers every pattern of PATTERNS against the knowledge base KB, one output line per
pattern, in pattern order, streamed as batches complete.

KB is loaded like a program: its atoms form the space &self; its !forms run and what
they print goes to stderr. PATTERNS holds one pattern per top-level item (usually one
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
  --progress           draw the progress bar even when stderr is not a terminal
  --quiet              no progress bar
  --log LEVEL          log to stderr: error, warn, info or debug (also METTA_LOG)
  -h, --help           show this help

Exit codes: 0 success, 1 a !form of KB produced an error, 2 usage error, unreadable
file, or a syntax error (file:line:column: reason; the answers to the patterns
before it are printed first).`;

export const BENCH_SUITES = ['interp', 'kb-match', 'batch-parallel', 'memory'] as const;
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

function flagValue(args: readonly string[], i: { at: number }, flag: string, inline: string | undefined): string {
  if (inline !== undefined) return inline;
  const next = args[++i.at];
  if (next === undefined) throw new UsageError(`${flag} needs a value`);
  return next;
}

function positive(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} expects a positive integer, got '${text}'`);
  return n;
}

function split(arg: string): [string, string | undefined] {
  return arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
}

function gpuMode(text: string): GpuMode {
  if (text !== 'auto' && text !== 'on' && text !== 'off') throw new UsageError(`--gpu expects auto, on or off, got '${text}'`);
  return text;
}

function logLevel(text: string): LogLevel {
  if (!isLogLevel(text)) throw new UsageError(`--log expects error, warn, info or debug, got '${text}'`);
  return text;
}

/** `metta query ...` (argv after `query`). */
export function parseQueryArgs(args: readonly string[]): QueryCommand | { kind: 'help'; usage: string } {
  const files: string[] = [];
  let gpu: GpuMode = 'auto';
  let format: 'text' | 'jsonl' = 'text';
  let workers: number | null = null;
  let batch = 4096;
  let quiet = false;
  let progress = false;
  let log: LogLevel | null = null;
  const i = { at: 0 };
  try {
    for (; i.at < args.length; i.at++) {
      const [flag, inline] = split(args[i.at]!);
      const value = (): string => flagValue(args, i, flag, inline);
      switch (flag) {
        case '-h':
        case '--help':
          return { kind: 'help', usage: QUERY_USAGE };
        case '--gpu':
          gpu = gpuMode(value());
          break;
        case '--format': {
          const f = value();
          if (f !== 'text' && f !== 'jsonl') throw new UsageError(`--format expects text or jsonl, got '${f}'`);
          format = f;
          break;
        }
        case '--workers':
          workers = positive('--workers', value());
          break;
        case '--batch':
          batch = positive('--batch', value());
          break;
        case '--quiet':
          quiet = true;
          break;
        case '--progress':
          progress = true;
          break;
        case '--log':
          log = logLevel(value());
          break;
        default:
          if (flag.startsWith('-') && flag !== '-') throw new UsageError(`unknown option ${flag}`);
          files.push(flag);
      }
    }
    if (files.length !== 2) throw new UsageError(`expected KB.metta and PATTERNS.metta, got ${files.length === 0 ? 'no file' : files.map((f) => `'${f}'`).join(' ')}`);
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(e.message, QUERY_USAGE);
    throw e;
  }
  return { kind: 'query', kb: files[0]!, patterns: files[1]!, gpu, format, workers, batch, quiet, progress, log };
}

/** `metta bench ...` (argv after `bench`). */
export function parseBenchArgs(args: readonly string[]): BenchCommand | { kind: 'help'; usage: string } {
  let quick = false;
  let tiny = false;
  let suites: BenchSuite[] = [...BENCH_SUITES];
  let json: string | null = null;
  let svg: string | null = null;
  let gpu: GpuMode = 'auto';
  let workers: number | null = null;
  let log: LogLevel | null = null;
  const i = { at: 0 };
  try {
    for (; i.at < args.length; i.at++) {
      const [flag, inline] = split(args[i.at]!);
      const value = (): string => flagValue(args, i, flag, inline);
      switch (flag) {
        case '-h':
        case '--help':
          return { kind: 'help', usage: BENCH_USAGE };
        case '--quick':
          quick = true;
          break;
        case '--tiny':
          tiny = true;
          break;
        case '--suite':
        case '--suites': {
          const names = value().split(',').map((s) => s.trim()).filter((s) => s !== '');
          for (const n of names) if (!(BENCH_SUITES as readonly string[]).includes(n)) throw new UsageError(`--suite: unknown suite '${n}' (suites: ${BENCH_SUITES.join(', ')})`);
          suites = BENCH_SUITES.filter((s) => names.includes(s));
          break;
        }
        case '--json':
          json = value();
          break;
        case '--svg':
          svg = value();
          break;
        case '--gpu':
          gpu = gpuMode(value());
          break;
        case '--workers':
          workers = positive('--workers', value());
          break;
        case '--log':
          log = logLevel(value());
          break;
        default:
          throw new UsageError(flag.startsWith('-') ? `unknown option ${flag}` : `metta bench takes no file, got '${flag}'`);
      }
    }
    if (quick && tiny) throw new UsageError('--quick and --tiny exclude each other');
    if (svg !== null && !suites.includes('kb-match')) throw new UsageError('--svg draws the kb-match suite: include it in --suite');
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(e.message, BENCH_USAGE);
    throw e;
  }
  return { kind: 'bench', quick, tiny, suites, json, svg, gpu, workers, log };
}
