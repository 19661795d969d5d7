// The benchmarks' own option reader (bench/common.ts Options, on node:util parseArgs): values,
// environment fallbacks, the count syntax and its messages, and what it refuses.

import { afterEach, describe, expect, it } from 'vitest';
import { count, Options, OptionsError } from '../../src/bench/common.js';
import { KB_MATCH_OPTIONS, kbMatchOptions } from '../../src/bench/kb-match.js';
import { MEMORY_OPTIONS, memoryOptions } from '../../src/bench/memory.js';

const TYPES = { quick: 'boolean', facts: 'string', json: 'string' } as const;

describe('bench Options', () => {
  afterEach(() => {
    delete process.env['BENCH_TEST_FACTS'];
  });

  it('reads flags and values, --name=value, and the last of a repeated option', () => {
    const opts = new Options(TYPES, ['--facts', '10k', '--quick', '--json=out.json', '--facts', '2_000']);
    expect(opts.flag('quick')).toBe(true);
    expect(opts.string('json')).toBe('out.json');
    expect(opts.int('facts', undefined, 5)).toBe(2000);
    expect(new Options(TYPES, []).flag('quick')).toBe(false);
    expect(new Options(TYPES, []).int('facts', undefined, 5)).toBe(5);
  });

  it('falls back to the environment variable, the command line first', () => {
    process.env['BENCH_TEST_FACTS'] = '1m';
    expect(new Options(TYPES, []).int('facts', 'BENCH_TEST_FACTS', 5)).toBe(1_000_000);
    expect(new Options(TYPES, ['--facts', '7']).int('facts', 'BENCH_TEST_FACTS', 5)).toBe(7);
    process.env['BENCH_TEST_FACTS'] = '';
    expect(new Options(TYPES, []).int('facts', 'BENCH_TEST_FACTS', 5)).toBe(5);
  });

  it('refuses unknown options, positionals, a missing value, and reads of undeclared options', () => {
    expect(() => new Options(TYPES, ['--qiuck'])).toThrow(/Unknown option '--qiuck'/);
    // A user's mistake: a script ends with this message and the options it takes, exit 2, no stack.
    expect(() => new Options(TYPES, ['--qiuck'])).toThrow(OptionsError);
    expect(() => new Options(TYPES, ['--qiuck'])).toThrow(/\noptions: --/);
    expect(() => new Options(TYPES, ['file'])).toThrow(/Unexpected argument 'file'/);
    expect(() => new Options(TYPES, ['--json'])).toThrow(/'--json <value>' argument missing/);
    expect(() => new Options(TYPES, []).string('svg')).toThrow('bench: --svg is not declared as a string option of this script');
    expect(() => new Options(TYPES, []).flag('facts')).toThrow('bench: --facts is not declared as a boolean option of this script');
  });

  it('keeps the messages of a bad count', () => {
    expect(count('n', '100k')).toBe(100_000);
    expect(() => count('n', '0')).toThrow('--n: expected a positive integer, got 0');
    expect(() => count('facts', '-3')).toThrow('--facts: expected a positive integer, got -3');
    expect(() => new Options(TYPES, ['--facts', '1.5']).int('facts', undefined, 1)).toThrow('--facts: expected a positive integer, got 1.5');
  });

  it('hands one command line to kb-match and memory, as bench/run.ts does', () => {
    const opts = new Options({ ...KB_MATCH_OPTIONS, ...MEMORY_OPTIONS }, ['--quick', '--facts', '3k', '--nodes', '40', '--clock', 'cpu']);
    expect(kbMatchOptions(opts)).toEqual({ facts: 3000, patterns: 1000, naive: 10, nodes: 40, seed: 1, quick: true, clock: 'cpu' });
    expect(memoryOptions(opts)).toEqual({ facts: 3000, nodes: [40], seed: 1, quick: true, clock: 'cpu' });
    expect(() => memoryOptions(new Options(MEMORY_OPTIONS, ['--nodes', '10,x']))).toThrow('--n: expected a positive integer, got x');
    expect(() => kbMatchOptions(new Options(KB_MATCH_OPTIONS, ['--clock', 'sun']))).toThrow('--clock: expected wall or cpu, got sun');
  });
});
