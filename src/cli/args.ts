// Command-line parsing for `metta`: the subcommand word, then options read by parse-options.ts
// (node:util parseArgs underneath), each error naming the flag the user got wrong.

// Directly, not through the folder's index.ts: this runs on the command's main thread, which
// must not load the engine (.dependency-cruiser.cjs lists these light modules).
import { LOG_LEVELS, type LogLevel } from '../core/log.js';
import { PRESET_NAMES, type PresetName } from '../runner/eval-config.js';
import type { GpuMode } from '../scheduler/index.js';
import { GPU_MODES, oneOf, type OptionSpecs, positiveInteger, positiveSeconds, readOptions, UsageError, type WorkersCap, workersOption } from './parse-options.js';
import { type BenchCommand, parseBenchArgs, parseQueryArgs, type QueryCommand } from './tool-args.js';
import { type CalibrateCommand, parseCalibrateArgs } from './calibrate.js';
import { type CompileCommand, parseCompileArgs } from './compile-args.js';

export type { GpuMode };

export interface RunCommand {
  readonly kind: 'run';
  readonly file: string;
  readonly workers: number | null;
  /** Set when `--workers N` was more than the cap (parse-options.ts) and `workers` is the cap. */
  readonly workersCapped?: WorkersCap | null;
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
  /** `--space FILE`: `&self` starts as the compiled space (`metta compile`) in FILE. */
  readonly space?: string | null;
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

export type { BenchCommand, CompileCommand, QueryCommand };

export type Command = RunCommand | ReplCommand | QueryCommand | BenchCommand | CalibrateCommand | CompileCommand | { readonly kind: 'help'; readonly usage?: string } | { readonly kind: 'version' };

export { UsageError, type WorkersCap };

export const USAGE = `Usage: metta [run] FILE [options]
       metta repl [--max-steps N] [--timeout S] [--log LEVEL]
       metta            (no file, on a terminal: the REPL)
       metta query KB.metta PATTERNS.metta [options]   (metta query --help)
       metta compile KB.metta [-o KB.mspace]           (metta compile --help)
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
  --space FILE       start with &self holding the compiled space FILE (metta compile)
  -h, --help         show this help
  --version          show the version

When a limit stops a !form, what ran before stays printed and the reason goes to stderr.
Ctrl-C stops the running !form the same way.

Exit codes: 0 success, 1 a !form produced an error or a limit stopped the run,
2 usage or parse error, 130 interrupted (Ctrl-C).`;

export interface ParseContext {
  /** Standard input is a terminal: with no program file, start the REPL instead of failing. */
  readonly stdinIsTty?: boolean;
  /** Cores that cap `--workers` (default os.availableParallelism(); tests fix it). */
  readonly cores?: number;
}

/** The options of `metta run` and `metta repl`; which of them the REPL refuses is checked after. */
const RUN_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  workers: { type: 'string' },
  preset: { type: 'string' },
  metrics: { type: 'boolean' },
  gpu: { type: 'string' },
  'keep-going': { type: 'boolean' },
  log: { type: 'string' },
  'max-steps': { type: 'string' },
  timeout: { type: 'string' },
  'load-state': { type: 'string' },
  'save-state': { type: 'string' },
  space: { type: 'string' },
} as const satisfies OptionSpecs;

/**
 * The first words that make the command something other than a program run (`metta FILE`,
 * `metta run FILE`). bin/metta.js keeps the same list: it starts the run thread early otherwise.
 */
export const SUBCOMMANDS = ['query', 'bench', 'calibrate', 'compile', 'repl'] as const;

export function parseArgs(argv: readonly string[], context: ParseContext = {}): Command {
  let file: string | null = null;
  let workers: number | null = null;
  let workersCapped: WorkersCap | null = null;
  let presetName: PresetName = 'default';
  let metrics = false;
  let gpu: GpuMode = 'auto';
  let keepGoing = false;
  let logLevel: LogLevel | null = null;
  let maxSteps: number | null = null;
  let timeout: number | null = null;
  let loadState: string | null = null;
  let saveState: string | null = null;
  let space: string | null = null;
  const args = [...argv];
  if (args[0] === 'query') return parseQueryArgs(args.slice(1), context.cores);
  if (args[0] === 'bench') return parseBenchArgs(args.slice(1), context.cores);
  if (args[0] === 'calibrate') return parseCalibrateArgs(args.slice(1), context.cores);
  if (args[0] === 'compile') return parseCompileArgs(args.slice(1));
  if (args[0] === 'run') args.shift();
  const replAsked = args[0] === 'repl';
  if (replAsked) args.shift();
  for (const item of readOptions(args, RUN_OPTIONS)) {
    if (item.kind === 'positional') {
      if (file !== null) throw new UsageError(`expected one program file, got '${file}' and '${item.value}'`);
      file = item.value;
      continue;
    }
    const { value } = item;
    switch (item.name as keyof typeof RUN_OPTIONS) {
      case 'help':
        return { kind: 'help' };
      case 'version':
        return { kind: 'version' };
      case 'workers':
        ({ workers, capped: workersCapped } = workersOption('--workers', value, context.cores));
        break;
      case 'preset':
        presetName = oneOf('--preset', value, PRESET_NAMES, `one of ${PRESET_NAMES.join(', ')}`);
        break;
      case 'metrics':
        metrics = true;
        break;
      case 'gpu':
        gpu = oneOf('--gpu', value, GPU_MODES);
        break;
      case 'keep-going':
        keepGoing = true;
        break;
      case 'log':
        logLevel = oneOf('--log', value, LOG_LEVELS);
        break;
      case 'max-steps':
        maxSteps = positiveInteger('--max-steps', value);
        break;
      case 'timeout':
        timeout = positiveSeconds('--timeout', value);
        break;
      case 'load-state':
        loadState = value;
        break;
      case 'save-state':
        saveState = value;
        break;
      case 'space':
        space = value;
        break;
    }
  }
  if (replAsked || (file === null && context.stdinIsTty === true)) {
    if (file !== null) throw new UsageError(`the REPL takes no program file, got '${file}'`);
    const runOnly = [
      workers !== null && '--workers', presetName !== 'default' && '--preset', metrics && '--metrics', gpu !== 'auto' && '--gpu',
      keepGoing && '--keep-going', loadState !== null && '--load-state', saveState !== null && '--save-state', space !== null && '--space',
    ].filter((f): f is string => f !== false);
    if (runOnly.length > 0) throw new UsageError(`not available in the REPL: ${runOnly.join(', ')}`);
    return { kind: 'repl', log: logLevel, maxSteps, timeout };
  }
  if (file === null) throw new UsageError('no program file given');
  // A loaded state has its own &self; starting it from a compiled space as well would mean two.
  if (space !== null && loadState !== null) throw new UsageError('--space and --load-state both give the contents of &self: use one');
  return { kind: 'run', file, workers, workersCapped, preset: presetName, metrics, gpu, keepGoing, log: logLevel, maxSteps, timeout, loadState, saveState, space };
}
