// Command-line parsing for `metta`. Hand-written: the grammar is small and the error messages
// should name the flag the user got wrong.

import { isLogLevel, type LogLevel } from '../core/log.js';
import { type GpuMode, isPresetName, PRESET_NAMES, type PresetName } from '../runner/eval-config.js';
import { type BenchCommand, parseBenchArgs, parseQueryArgs, type QueryCommand } from './tool-args.js';
import { type CalibrateCommand, parseCalibrateArgs } from './calibrate.js';

export type { GpuMode };

export interface RunCommand {
  readonly kind: 'run';
  readonly file: string;
  readonly workers: number | null;
  /** `--preset NAME`: an EvalConfig preset sizing the worker pool. */
  readonly preset: PresetName;
  /** `--metrics`: print batch and pool figures to stderr at the end. */
  readonly metrics: boolean;
  readonly gpu: GpuMode;
  readonly keepGoing: boolean;
  readonly log: LogLevel | null;
  /** `--max-steps N`: interpreter steps allowed for each !form. */
  readonly maxSteps: number | null;
  /** `--timeout S`: seconds allowed for the whole run. */
  readonly timeout: number | null;
  /** `--load-state FILE`: continue the state saved there instead of starting empty. */
  readonly loadState?: string | null;
  /** `--save-state FILE`: write the state after the run there. */
  readonly saveState?: string | null;
}

/** `metta repl`, or `metta` with no file when standard input is a terminal (src/cli/repl.ts). */
export interface ReplCommand {
  readonly kind: 'repl';
  readonly log: LogLevel | null;
  /** `--max-steps N`: interpreter steps allowed for each !form. */
  readonly maxSteps: number | null;
  /** `--timeout S`: seconds allowed for each entry. */
  readonly timeout: number | null;
}

export type { BenchCommand, QueryCommand };

export type Command = RunCommand | ReplCommand | QueryCommand | BenchCommand | CalibrateCommand | { readonly kind: 'help'; readonly usage?: string } | { readonly kind: 'version' };

export class UsageError extends Error {
  /** The usage text to show with the message (a subcommand's own; default USAGE). */
  constructor(message: string, readonly usage?: string) {
    super(message);
  }
}

export const USAGE = `Usage: metta [run] FILE [options]
       metta repl [--max-steps N] [--timeout S] [--log LEVEL]
       metta            (no file, on a terminal: the REPL)
       metta query KB.metta PATTERNS.metta [options]   (metta query --help)
       metta bench [--quick] [--json FILE] [--svg FILE]  (metta bench --help)
       metta calibrate [--gpu auto|on|off] [--workers N] (metta calibrate --help)

Runs a MeTTa program: atoms are added to the space &self, each !form is
evaluated and its results printed as one line [r1, r2, ...].

Options:
  --workers N        evaluate batches of !forms on N worker threads (1: all on the main thread)
  --preset NAME      pool sizing: default (cores), cpuOptimized (cores x 2),
                     memoryOptimized (cores), throughputOptimized (cores x 4)
  --metrics          print batch sizes, times, worker use and speedup to stderr at the end
  --gpu auto|on|off  on: batched evaluation, every step's space queries (matches, rule
                     lookups of all forms and branches) answered as one GPU batch (same
                     output); off: the CPU; auto (the default): batched, and each batch on
                     the GPU when metta calibrate's cost model predicts it pays
  --keep-going       continue after a !form whose results contain an error
  --log LEVEL        log to stderr: error, warn, info or debug (also METTA_LOG)
  --max-steps N      stop a !form after N interpreter steps
  --timeout S        stop the run after S seconds (decimals allowed)
  --load-state FILE  continue from a state saved by --save-state (its space, tokens, settings)
  --save-state FILE  save the state after the run (binary, see docs/state-format.md)
  -h, --help         show this help
  --version          show the version

When a limit stops a !form, what ran before stays printed and the reason goes to stderr.
Ctrl-C stops the running !form the same way.

Exit codes: 0 success, 1 a !form produced an error or a limit stopped the run,
2 usage or parse error, 130 interrupted (Ctrl-C).`;

export interface ParseContext {
  /** Standard input is a terminal: with no program file, start the REPL instead of failing. */
  readonly stdinIsTty?: boolean;
}

export function parseArgs(argv: readonly string[], context: ParseContext = {}): Command {
  let file: string | null = null;
  let workers: number | null = null;
  let presetName: PresetName = 'default';
  let metrics = false;
  let gpu: GpuMode = 'auto';
  let keepGoing = false;
  let logLevel: LogLevel | null = null;
  let maxSteps: number | null = null;
  let timeout: number | null = null;
  let loadState: string | null = null;
  let saveState: string | null = null;
  const args = [...argv];
  if (args[0] === 'query') return parseQueryArgs(args.slice(1));
  if (args[0] === 'bench') return parseBenchArgs(args.slice(1));
  if (args[0] === 'calibrate') return parseCalibrateArgs(args.slice(1));
  if (args[0] === 'run') args.shift();
  const replAsked = args[0] === 'repl';
  if (replAsked) args.shift();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return { kind: 'help' };
      case '--version':
        return { kind: 'version' };
      case '--workers': {
        const text = value();
        const n = Number(text);
        if (!Number.isInteger(n) || n < 1) throw new UsageError(`--workers expects a positive integer, got '${text}'`);
        workers = n;
        break;
      }
      case '--preset': {
        const name = value();
        if (!isPresetName(name)) throw new UsageError(`--preset expects one of ${PRESET_NAMES.join(', ')}, got '${name}'`);
        presetName = name;
        break;
      }
      case '--metrics':
        metrics = true;
        break;
      case '--gpu': {
        const mode = value();
        if (mode !== 'auto' && mode !== 'on' && mode !== 'off') throw new UsageError(`--gpu expects auto, on or off, got '${mode}'`);
        gpu = mode;
        break;
      }
      case '--keep-going':
        keepGoing = true;
        break;
      case '--log': {
        const level = value();
        if (!isLogLevel(level)) throw new UsageError(`--log expects error, warn, info or debug, got '${level}'`);
        logLevel = level;
        break;
      }
      case '--max-steps': {
        const text = value();
        const n = Number(text);
        if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`--max-steps expects a positive integer, got '${text}'`);
        maxSteps = n;
        break;
      }
      case '--timeout': {
        const text = value();
        const s = Number(text);
        if (!/^\d+(\.\d+)?$|^\.\d+$/.test(text) || !(s > 0) || !Number.isFinite(s)) {
          throw new UsageError(`--timeout expects a positive number of seconds, got '${text}'`);
        }
        timeout = s;
        break;
      }
      case '--load-state':
        loadState = value();
        break;
      case '--save-state':
        saveState = value();
        break;
      default:
        if (flag.startsWith('-') && flag !== '-') throw new UsageError(`unknown option ${flag}`);
        if (file !== null) throw new UsageError(`expected one program file, got '${file}' and '${arg}'`);
        file = arg;
    }
  }
  if (replAsked || (file === null && context.stdinIsTty === true)) {
    if (file !== null) throw new UsageError(`the REPL takes no program file, got '${file}'`);
    const runOnly = [
      workers !== null && '--workers', presetName !== 'default' && '--preset', metrics && '--metrics', gpu !== 'auto' && '--gpu',
      keepGoing && '--keep-going', loadState !== null && '--load-state', saveState !== null && '--save-state',
    ].filter((f): f is string => f !== false);
    if (runOnly.length > 0) throw new UsageError(`not available in the REPL: ${runOnly.join(', ')}`);
    return { kind: 'repl', log: logLevel, maxSteps, timeout };
  }
  if (file === null) throw new UsageError('no program file given');
  return { kind: 'run', file, workers, preset: presetName, metrics, gpu, keepGoing, log: logLevel, maxSteps, timeout, loadState, saveState };
}
