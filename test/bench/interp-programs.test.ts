// bench/interp's workloads print what their JavaScript counts say (at the quick sizes; the full
// sizes are the same programs with larger numbers), and the benchmark itself runs them in child
// processes and reports every workload.

import { describe, expect, it } from 'vitest';
import { runInterp } from '../../src/bench/interp.js';
import { digitsProgram, workloads } from '../../src/bench/interp-programs.js';
import { Program } from '../../src/runner/index.js';

function run(source: string): string {
  let out = '';
  const program = new Program({ stdout: (t) => (out += t), stderr: () => {} });
  const { exitCode } = program.run(source, 'bench', { writeOut: (line) => (out += line + '\n'), writeErr: (line) => (out += 'ERR ' + line + '\n') });
  expect(exitCode).toBe(0);
  return out;
}

describe('bench/interp programs', () => {
  for (const w of workloads(true)) {
    it(`${w.name} prints its JavaScript count`, () => {
      expect(run(w.source)).toBe(w.expected);
    }, 60_000);
  }

  it('counts digit tuples as a brute force does, and the program can be re-aimed', () => {
    // The full-size expectations come from the same counting function as the quick ones.
    let brute = 0;
    for (let n = 0; n < 10_000; n++) if ([...String(n).padStart(4, '0')].reduce((s, d) => s + Number(d), 0) === 27) brute++;
    const four = workloads(true).find((w) => w.name.startsWith('4 digits'))!;
    expect(four.expected).toBe(`[${brute}]\n`);
    expect(run(digitsProgram(3, 26))).toBe('[3]\n');
  });

  it('runs each workload in a child process and reports the median', () => {
    const rows = runInterp({ quick: true, runs: 1, only: ['fib', 'start-up'] });
    expect(rows.map((r) => r.name)).toEqual(['start-up (empty file)', 'fib 20']);
    for (const r of rows) expect(r.ms['ours']).toBeGreaterThan(0);
    expect(rows[1]!.peakMib['ours']).toBeGreaterThan(10);
    // The programs run with memoization off and on; start-up once.
    expect(rows[1]!.ms['memo']).toBeGreaterThan(0);
    expect(rows[0]!.ms['memo']).toBeUndefined();
  }, 60_000);
});
