// The argument parsers of `metta` called directly (no subprocess): the commands they build and the
// exact usage errors, for every subcommand, including repeated flags, `--flag=value`, options after
// positionals, negative numbers as values and help in the middle of other options.

import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/cli/args.js';
import { workersCapMessage } from '../../src/cli/parse-options.js';
import { CALIBRATE_USAGE } from '../../src/cli/calibrate.js';
import { BENCH_SUITES, BENCH_USAGE, QUERY_USAGE } from '../../src/cli/tool-args.js';

/** The UsageError that parsing argv throws (fails the test when it throws nothing or something else). */
function usageError(argv: readonly string[]): UsageError {
  try {
    parseArgs(argv, { cores: 2 });
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error(`no usage error for ${JSON.stringify(argv)}`);
}

function fails(argv: readonly string[], message: string, usage?: string): void {
  const e = usageError(argv);
  expect(e.message).toBe(message);
  expect(e.usage).toBe(usage);
}

const RUN_DEFAULTS = {
  kind: 'run', workers: null, workersCapped: null, preset: 'default', metrics: false, gpu: 'auto', keepGoing: false, log: null,
  maxSteps: null, timeout: null, loadState: null, saveState: null, space: null,
} as const;

describe('metta run', () => {
  it('reads a file with or without the run word, options before or after it', () => {
    expect(parseArgs(['prog.metta'])).toEqual({ ...RUN_DEFAULTS, file: 'prog.metta' });
    expect(parseArgs(['run', 'prog.metta'])).toEqual({ ...RUN_DEFAULTS, file: 'prog.metta' });
    const all = {
      ...RUN_DEFAULTS, file: 'p.metta', workers: 3, preset: 'cpuOptimized', metrics: true, gpu: 'off', keepGoing: true,
      log: 'debug', maxSteps: 50, timeout: 1.5, loadState: 'in.state', saveState: 'out.state',
    };
    const flags = ['--workers', '3', '--preset', 'cpuOptimized', '--metrics', '--gpu', 'off', '--keep-going', '--log', 'debug',
      '--max-steps', '50', '--timeout', '1.5', '--load-state', 'in.state', '--save-state', 'out.state'];
    expect(parseArgs(['p.metta', ...flags])).toEqual(all);
    expect(parseArgs([...flags, 'p.metta'])).toEqual(all);
    expect(parseArgs(['run', ...flags.slice(0, 4), 'p.metta', ...flags.slice(4)])).toEqual(all);
  });

  it('accepts --flag=value, and the last of a repeated flag wins', () => {
    expect(parseArgs(['--workers=4', '--log=warn', '--timeout=.5', 'p.metta'])).toMatchObject({ workers: 4, log: 'warn', timeout: 0.5 });
    expect(parseArgs(['p.metta', '--gpu', 'on', '--gpu', 'off', '--max-steps', '5', '--max-steps=6'])).toMatchObject({ gpu: 'off', maxSteps: 6 });
    expect(parseArgs(['--save-state=a=b', 'p.metta'])).toMatchObject({ saveState: 'a=b' });
  });

  it('takes the next argument as the value even when it starts with a dash', () => {
    expect(parseArgs(['--load-state', '--metrics', 'p.metta'])).toMatchObject({ loadState: '--metrics', metrics: false, file: 'p.metta' });
    fails(['--workers', '-3', 'p.metta'], "--workers expects a positive integer, got '-3'");
    fails(['--max-steps', '-1', 'p.metta'], "--max-steps expects a positive integer, got '-1'");
    fails(['--timeout', '-2', 'p.metta'], "--timeout expects a positive number of seconds, got '-2'");
    fails(['--workers', '--metrics', 'p.metta'], "--workers expects a positive integer, got '--metrics'");
  });

  it('takes - as a file name', () => {
    expect(parseArgs(['-'])).toMatchObject({ kind: 'run', file: '-' });
  });

  it('validates values with the same messages', () => {
    fails(['--workers', '0', 'p'], "--workers expects a positive integer, got '0'");
    fails(['--workers', 'two', 'p'], "--workers expects a positive integer, got 'two'");
    fails(['--workers=', 'p'], "--workers expects a positive integer, got ''");
    fails(['--max-steps', '1e3', 'p'], "--max-steps expects a positive integer, got '1e3'");
    fails(['--max-steps', '2.5', 'p'], "--max-steps expects a positive integer, got '2.5'");
    fails(['--timeout', '0', 'p'], "--timeout expects a positive number of seconds, got '0'");
    fails(['--timeout', '1e3', 'p'], "--timeout expects a positive number of seconds, got '1e3'");
    fails(['--gpu', 'maybe', 'p'], "--gpu expects auto, on or off, got 'maybe'");
    fails(['--log', 'loud', 'p'], "--log expects error, warn, info or debug, got 'loud'");
    fails(['--preset', 'fastest', 'p'], "--preset expects one of default, cpuOptimized, memoryOptimized, throughputOptimized, got 'fastest'");
    expect(parseArgs(['--timeout', '2', 'p'])).toMatchObject({ timeout: 2 });
  });

  it('reports a missing value, an unknown option and a wrong number of files', () => {
    fails(['p.metta', '--workers'], '--workers needs a value');
    fails(['--load-state'], '--load-state needs a value');
    fails(['--bogus', 'p.metta'], 'unknown option --bogus');
    fails(['--bogus=1', 'p.metta'], 'unknown option --bogus');
    fails(['p.metta', '-x'], 'unknown option -x');
    fails(['-hx'], 'unknown option -hx');
    fails(['a.metta', 'b.metta'], "expected one program file, got 'a.metta' and 'b.metta'");
    fails([], 'no program file given');
    fails(['--metrics'], 'no program file given');
  });

  it('stops at -h, --help or --version, but not before an earlier error', () => {
    expect(parseArgs(['-h'])).toEqual({ kind: 'help' });
    expect(parseArgs(['p.metta', '--help', '--bogus'])).toEqual({ kind: 'help' });
    expect(parseArgs(['--help', '--workers', '0'])).toEqual({ kind: 'help' });
    expect(parseArgs(['run', '--version'])).toEqual({ kind: 'version' });
    fails(['--workers', '0', '--help'], "--workers expects a positive integer, got '0'");
    fails(['--bogus', '-h'], 'unknown option --bogus');
  });

  it('reads a subcommand word only first: later it is a file', () => {
    expect(parseArgs(['--metrics', 'query'])).toMatchObject({ kind: 'run', file: 'query', metrics: true });
    expect(parseArgs(['run', 'bench'])).toMatchObject({ kind: 'run', file: 'bench' });
  });
});

describe('metta repl', () => {
  it('takes the limits and the log level, nothing that only a run uses', () => {
    expect(parseArgs(['repl', '--log=info', '--timeout', '3'])).toEqual({ kind: 'repl', log: 'info', maxSteps: null, timeout: 3 });
    fails(['repl', 'p.metta'], "the REPL takes no program file, got 'p.metta'");
    fails(['repl', '--metrics', '--gpu', 'on', '--load-state', 's'], 'not available in the REPL: --metrics, --gpu, --load-state');
    fails(['repl', '--max-steps', 'x'], "--max-steps expects a positive integer, got 'x'");
  });
});

describe('metta query', () => {
  const DEFAULTS = { kind: 'query', kb: 'kb.metta', patterns: 'p.metta', gpu: 'auto', format: 'text', workers: null, workersCapped: null, batch: 4096, quiet: false, progress: false, log: null, maxSteps: null, timeout: null } as const;

  it('reads the two files in order, with options anywhere', () => {
    expect(parseArgs(['query', 'kb.metta', 'p.metta'])).toEqual(DEFAULTS);
    expect(parseArgs(['query', '--batch', '13', 'kb.metta', '--format=jsonl', 'p.metta', '--quiet', '--progress', '--workers', '2', '--gpu', 'off', '--log', 'warn']))
      .toEqual({ ...DEFAULTS, batch: 13, format: 'jsonl', quiet: true, progress: true, workers: 2, gpu: 'off', log: 'warn' });
    expect(parseArgs(['query', 'kb.metta', 'p.metta', '--batch', '1', '--batch', '2'])).toMatchObject({ batch: 2 });
    expect(parseArgs(['query', '-', 'p.metta'])).toMatchObject({ kb: '-', patterns: 'p.metta' });
    expect(parseArgs(['query', 'kb.metta', 'p.metta', '--timeout', '2.5', '--max-steps=100'])).toEqual({ ...DEFAULTS, timeout: 2.5, maxSteps: 100 });
  });

  it('gives errors with the query usage', () => {
    fails(['query'], 'expected KB.metta and PATTERNS.metta, got no file', QUERY_USAGE);
    fails(['query', 'kb.metta'], "expected KB.metta and PATTERNS.metta, got 'kb.metta'", QUERY_USAGE);
    fails(['query', 'a', 'b', 'c'], "expected KB.metta and PATTERNS.metta, got 'a' 'b' 'c'", QUERY_USAGE);
    fails(['query', 'kb', 'p', '--format', 'xml'], "--format expects text or jsonl, got 'xml'", QUERY_USAGE);
    fails(['query', 'kb', 'p', '--batch', '0'], "--batch expects a positive integer, got '0'", QUERY_USAGE);
    fails(['query', 'kb', 'p', '--batch', '-5'], "--batch expects a positive integer, got '-5'", QUERY_USAGE);
    fails(['query', 'kb', 'p', '--workers', '2.0'], "--workers expects a positive integer, got '2.0'", QUERY_USAGE);
    fails(['query', 'kb', 'p', '--gpu', 'yes'], "--gpu expects auto, on or off, got 'yes'", QUERY_USAGE);
    fails(['query', 'kb', 'p', '--log', 'x'], "--log expects error, warn, info or debug, got 'x'", QUERY_USAGE);
    fails(['query', 'kb', 'p', '--batch'], '--batch needs a value', QUERY_USAGE);
    fails(['query', 'kb', 'p', '--timeout', '0'], "--timeout expects a positive number of seconds, got '0'", QUERY_USAGE);
    fails(['query', 'kb', 'p', '--max-steps', '1.5'], "--max-steps expects a positive integer, got '1.5'", QUERY_USAGE);
    fails(['query', 'kb', 'p', '--bogus'], 'unknown option --bogus', QUERY_USAGE);
  });

  it('shows its own help', () => {
    expect(parseArgs(['query', '-h'])).toEqual({ kind: 'help', usage: QUERY_USAGE });
    expect(parseArgs(['query', 'kb', '--help', 'x', 'y'])).toEqual({ kind: 'help', usage: QUERY_USAGE });
  });
});

describe('metta bench', () => {
  const DEFAULTS = { kind: 'bench', quick: false, tiny: false, suites: [...BENCH_SUITES], json: null, svg: null, gpu: 'auto', workers: null, workersCapped: null, log: null } as const;

  it('reads the flags; suites come in suite order', () => {
    expect(parseArgs(['bench'])).toEqual(DEFAULTS);
    expect(parseArgs(['bench', '--tiny', '--suite', 'memory, interp', '--json', 'f.json', '--gpu=off', '--workers', '3', '--log', 'error']))
      .toEqual({ ...DEFAULTS, tiny: true, suites: ['interp', 'memory'], json: 'f.json', gpu: 'off', workers: 3, log: 'error' });
    expect(parseArgs(['bench', '--suites', 'kb-match', '--svg', 's.svg', '--quick'])).toMatchObject({ suites: ['kb-match'], svg: 's.svg', quick: true });
  });

  it('gives errors with the bench usage', () => {
    fails(['bench', '--suite', 'nope'], "--suite: unknown suite 'nope' (suites: interp, kb-match, batch-parallel, memory, runtime-kb)", BENCH_USAGE);
    fails(['bench', '--quick', '--tiny'], '--quick and --tiny exclude each other', BENCH_USAGE);
    fails(['bench', '--svg', 's.svg', '--suite', 'memory'], '--svg draws the kb-match suite: include it in --suite', BENCH_USAGE);
    fails(['bench', 'file.metta'], "metta bench takes no file, got 'file.metta'", BENCH_USAGE);
    fails(['bench', '-'], 'unknown option -', BENCH_USAGE);
    fails(['bench', '--workers', '0'], "--workers expects a positive integer, got '0'", BENCH_USAGE);
    fails(['bench', '--json'], '--json needs a value', BENCH_USAGE);
    fails(['bench', '--fast'], 'unknown option --fast', BENCH_USAGE);
  });

  it('shows its own help', () => {
    expect(parseArgs(['bench', '--quick', '-h'])).toEqual({ kind: 'help', usage: BENCH_USAGE });
  });
});

describe('metta calibrate', () => {
  it('reads the flags, with the default worker count from the cores', () => {
    expect(parseArgs(['calibrate'])).toEqual({ kind: 'calibrate', gpu: 'auto', workers: Math.min(4, Math.max(2, availableParallelism())), workersCapped: null, facts: 20_000, log: null });
    expect(parseArgs(['calibrate', '--gpu', 'off', '--workers', '3', '--facts', '2000', '--log', 'info', '--facts', '3000']))
      .toEqual({ kind: 'calibrate', gpu: 'off', workers: 3, workersCapped: null, facts: 3000, log: 'info' });
  });

  it('gives errors with the calibrate usage', () => {
    fails(['calibrate', '--workers', 'zero'], "--workers expects a positive integer, got 'zero'", CALIBRATE_USAGE);
    fails(['calibrate', '--facts', '-1'], "--facts expects a positive integer, got '-1'", CALIBRATE_USAGE);
    fails(['calibrate', '--gpu', 'maybe'], "--gpu expects auto, on or off, got 'maybe'", CALIBRATE_USAGE);
    fails(['calibrate', '--log', 'x'], "--log expects error, warn, info or debug, got 'x'", CALIBRATE_USAGE);
    fails(['calibrate', '--facts'], '--facts needs a value', CALIBRATE_USAGE);
    fails(['calibrate', '--bogus'], 'unknown option --bogus for metta calibrate', CALIBRATE_USAGE);
    fails(['calibrate', 'kb.metta'], 'unknown option kb.metta for metta calibrate', CALIBRATE_USAGE);
  });

  it('shows its own help', () => {
    expect(parseArgs(['calibrate', '--help'])).toEqual({ kind: 'help', usage: CALIBRATE_USAGE });
  });
});

describe('what parseArgs changed', () => {
  it('reads -- as the end of the options: what follows is a positional', () => {
    expect(parseArgs(['--metrics', '--', '-odd.metta'])).toMatchObject({ kind: 'run', file: '-odd.metta', metrics: true });
    fails(['--', 'a.metta', '--workers'], "expected one program file, got 'a.metta' and '--workers'");
    expect(parseArgs(['query', '--quiet', '--', '-kb', '--p'])).toMatchObject({ kb: '-kb', patterns: '--p', quiet: true });
    fails(['bench', '--', '--quick'], 'unknown option --quick', BENCH_USAGE);
    fails(['calibrate', '--', 'x'], 'unknown option x for metta calibrate', CALIBRATE_USAGE);
    expect(parseArgs(['bench', '--'])).toMatchObject({ kind: 'bench', quick: false });
  });

  it('accepts --flag=value in metta calibrate too', () => {
    expect(parseArgs(['calibrate', '--gpu=off', '--facts=500'])).toMatchObject({ gpu: 'off', facts: 500 });
    fails(['calibrate', '--bogus=1'], 'unknown option --bogus for metta calibrate', CALIBRATE_USAGE);
  });

  it('reads --workers of run and calibrate as decimal digits, like every other count', () => {
    for (const text of ['1e1', '2.0', '0x4', ' 2']) {
      fails(['--workers', text, 'p'], `--workers expects a positive integer, got '${text}'`);
      fails(['calibrate', '--workers', text], `--workers expects a positive integer, got '${text}'`, CALIBRATE_USAGE);
    }
  });
});

describe('--workers cap', () => {
  it('takes up to 4 × the cores as asked', () => {
    expect(parseArgs(['--workers', '8', 'p'], { cores: 2 })).toMatchObject({ workers: 8, workersCapped: null });
    expect(parseArgs(['query', 'kb', 'p', '--workers', '12'], { cores: 3 })).toMatchObject({ workers: 12, workersCapped: null });
  });

  it('caps a larger count and says so in the command, for every subcommand', () => {
    const cap = { requested: 1000, cores: 2, used: 8 };
    expect(parseArgs(['p', '--workers', '1000'], { cores: 2 })).toMatchObject({ kind: 'run', workers: 8, workersCapped: cap });
    expect(parseArgs(['query', 'kb', 'p', '--workers', '1000'], { cores: 2 })).toMatchObject({ workers: 8, workersCapped: cap });
    expect(parseArgs(['bench', '--workers', '1000'], { cores: 2 })).toMatchObject({ workers: 8, workersCapped: cap });
    expect(parseArgs(['calibrate', '--workers', '1000'], { cores: 2 })).toMatchObject({ workers: 8, workersCapped: cap });
    // A later, smaller --workers replaces the capped one entirely.
    expect(parseArgs(['p', '--workers', '1000', '--workers', '2'], { cores: 2 })).toMatchObject({ workers: 2, workersCapped: null });
  });

  it('words the warning with the numbers', () => {
    expect(workersCapMessage({ requested: 1000, cores: 2, used: 8 })).toBe('metta: --workers 1000 is more than 4 × the 2 cores of this machine; using 8');
    expect(workersCapMessage({ requested: 5, cores: 1, used: 4 })).toBe('metta: --workers 5 is more than 4 × the 1 core of this machine; using 4');
  });
});
