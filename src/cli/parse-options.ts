// Option reading shared by `metta` and its subcommands. node:util parseArgs splits the command line
// (`--flag value`, `--flag=value`, `--` ending the options); readOptions walks its tokens in order,
// so the first mistake on the line is the one reported, and in the words of UsageError.

import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { LOG_LEVELS, type LogLevel } from '../core/log.js';
import { GPU_MODES, type GpuMode } from '../scheduler/index.js';

export { GPU_MODES };

export class UsageError extends Error {
  /** The usage text to show with the message (a subcommand's own; default USAGE). */
  constructor(message: string, readonly usage?: string) {
    super(message);
  }
}

/** The options a command knows, as parseArgs declares them: a string option takes a value. */
export type OptionSpecs = Readonly<Record<string, { readonly type: 'string' | 'boolean'; readonly short?: string }>>;

/** One command-line item, in command-line order. `value` is '' for a boolean option. */
export type OptionItem = { readonly kind: 'option'; readonly name: string; readonly value: string } | { readonly kind: 'positional'; readonly value: string };

/**
 * The options and positionals of `args`, one at a time, so that the caller's own checks (a bad
 * value, help) happen in command-line order too. Throws UsageError at an unknown option (message
 * from `unknown`) and at a string option without a value. The value of a string option is the next
 * argument even when it starts with a dash (`--workers -3` reports -3, not a missing value).
 */
export function* readOptions(args: readonly string[], specs: OptionSpecs, unknown: (option: string) => string = (o) => `unknown option ${o}`): Generator<OptionItem> {
  // strict: false, so that unknown options come back as tokens, reported when the walk reaches them.
  const { tokens } = parseArgs({ args: [...args], options: specs, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      yield { kind: 'positional', value: token.value };
      continue;
    }
    const raw = args[token.index]!;
    const spec = Object.hasOwn(specs, token.name) ? specs[token.name] : undefined;
    // parseArgs reads `-hx` as -h -x; only a short option standing alone is one.
    if (spec === undefined || (!raw.startsWith('--') && raw !== token.rawName)) {
      throw new UsageError(unknown(raw.startsWith('--') ? raw.split('=')[0]! : raw));
    }
    if (spec.type === 'boolean') {
      yield { kind: 'option', name: token.name, value: '' };
      continue;
    }
    if (token.value === undefined) throw new UsageError(`${token.rawName} needs a value`);
    yield { kind: 'option', name: token.name, value: token.value };
  }
}

/** Runs `parse`, giving any UsageError it throws the usage text `usage`. */
export function withUsage<T>(usage: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(e.message, usage);
    throw e;
  }
}

/** Decimal digits only: `1e3`, `2.0`, `0x10` and ` 2` are refused. */
export function positiveInteger(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} expects a positive integer, got '${text}'`);
  return n;
}

/** A positive number of seconds, decimals allowed (`--timeout`). */
export function positiveSeconds(flag: string, text: string): number {
  const s = Number(text);
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(text) || !(s > 0) || !Number.isFinite(s)) throw new UsageError(`${flag} expects a positive number of seconds, got '${text}'`);
  return s;
}

/** One of `choices`; the message lists them as "a, b or c" unless `expected` says otherwise. */
export function oneOf<T extends string>(flag: string, text: string, choices: readonly T[], expected = `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`): T {
  if (!(choices as readonly string[]).includes(text)) throw new UsageError(`${flag} expects ${expected}, got '${text}'`);
  return text as T;
}


/** `--workers N` asked for more threads than WORKERS_PER_CORE × the cores; `used` were taken. */
export interface WorkersCap {
  readonly requested: number;
  readonly cores: number;
  readonly used: number;
}

/** More threads than this per core only cost memory: each holds its own heap (1000 exhaust V8's). */
export const WORKERS_PER_CORE = 4;

/** `--workers N`: a positive integer, capped at WORKERS_PER_CORE × `cores` (the cap is reported). */
export function workersOption(flag: string, text: string, cores = availableParallelism()): { workers: number; capped: WorkersCap | null } {
  const requested = positiveInteger(flag, text);
  const most = WORKERS_PER_CORE * Math.max(1, cores);
  return requested <= most ? { workers: requested, capped: null } : { workers: most, capped: { requested, cores, used: most } };
}

/** The one-line warning for a capped `--workers` (the caller prints it to stderr). */
export function workersCapMessage(cap: WorkersCap): string {
  return `metta: --workers ${cap.requested} is more than ${WORKERS_PER_CORE} × the ${cap.cores} core${cap.cores === 1 ? '' : 's'} of this machine; using ${cap.used}`;
}

/** The options `metta query`, `metta bench` and `metta calibrate` share, read alike by `readToolOption`. */
export const TOOL_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  gpu: { type: 'string' },
  workers: { type: 'string' },
  log: { type: 'string' },
} as const satisfies OptionSpecs;

/** What TOOL_OPTIONS set; `workers` null when not given (each command has its own default). */
export interface ToolSettings {
  gpu: GpuMode;
  workers: number | null;
  workersCapped: WorkersCap | null;
  log: LogLevel | null;
}

export function toolSettings(): ToolSettings {
  return { gpu: 'auto', workers: null, workersCapped: null, log: null };
}

/**
 * Reads `item` into `settings` when it is one of TOOL_OPTIONS: 'help' for -h / --help, true when it
 * was read, false for an option of the command's own. `cores` caps `--workers`.
 */
export function readToolOption(item: { readonly name: string; readonly value: string }, settings: ToolSettings, cores?: number): 'help' | boolean {
  switch (item.name) {
    case 'help':
      return 'help';
    case 'gpu':
      settings.gpu = oneOf('--gpu', item.value, GPU_MODES);
      return true;
    case 'workers': {
      const { workers, capped } = workersOption('--workers', item.value, cores);
      settings.workers = workers;
      settings.workersCapped = capped;
      return true;
    }
    case 'log':
      settings.log = oneOf('--log', item.value, LOG_LEVELS);
      return true;
    default:
      return false;
  }
}
