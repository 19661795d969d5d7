// The command's parallel flags, through the real installed command (worker thread, pool threads).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function metta(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['bin/metta.js', ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function programFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'metta-par-')), 'prog.metta');
  writeFileSync(file, text);
  return file;
}

const HEAVY = `(= (fib $n) (if (< $n 2) $n (+ (fib (- $n 1)) (fib (- $n 2)))))
${Array.from({ length: 24 }, (_, i) => `!(fib ${14 + (i % 4)})`).join('\n')}
!(println! done)
!(add-atom &self (seen 1))
!(match &self (seen $x) $x)
`;

describe('metta --workers / --preset / --metrics', () => {
  it('caps --workers at 4 × the cores, says so once on stderr, and runs normally', () => {
    // 1000 workers used to exhaust V8's heap and kill the process.
    const file = programFile(`(= (sq $x) (* $x $x))\n${Array.from({ length: 6 }, (_, i) => `!(sq ${i})`).join('\n')}\n`);
    const r = spawnSync(process.execPath, ['bin/metta.js', file, '--workers', '1000'], { encoding: 'utf8', timeout: 60_000 });
    const cores = availableParallelism();
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('[0]\n[1]\n[4]\n[9]\n[16]\n[25]\n');
    expect(r.stderr).toBe(`metta: --workers 1000 is more than 4 × the ${cores} core${cores === 1 ? '' : 's'} of this machine; using ${4 * cores}\n`);
  });

  it('prints the same output with one worker and with a pool, and reports metrics on stderr', () => {
    const file = programFile(HEAVY);
    const one = metta([file, '--workers', '1']);
    const pool = metta([file, '--workers', '2', '--metrics']);
    expect(one.code).toBe(0);
    expect(pool.code).toBe(0);
    expect(pool.out).toBe(one.out);
    expect(pool.err).toMatch(/^metrics: \d+ batches, 2 workers max/m);
    expect(pool.err).toMatch(/speedup against the sequential estimate/);
  });

  it('exits when it stops early while pool tasks are still queued or running', () => {
    const file = programFile(`(= (fib $n) (if (< $n 2) $n (+ (fib (- $n 1)) (fib (- $n 2)))))
!(fib 17)
!(fib 17)
!(/ 1 0)
${Array.from({ length: 8 }, () => '!(fib 20)').join('\n')}
`);
    const r = spawnSync(process.execPath, ['bin/metta.js', file, '--workers', '2'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.signal).toBeNull(); // not killed by the timeout: the process ended by itself
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('[1597]\n[1597]\n[(Error (/ 1 0) DivisionByZero)]\n');
  });

  it('accepts every preset and rejects an unknown one with a usage error', () => {
    const file = programFile('!(+ 1 2)\n');
    for (const preset of ['default', 'cpuOptimized', 'memoryOptimized', 'throughputOptimized']) {
      expect(metta([file, '--preset', preset]).out).toBe('[3]\n');
    }
    const bad = metta([file, '--preset', 'fastest']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--preset expects one of default, cpuOptimized, memoryOptimized, throughputOptimized, got 'fastest'/);
  });

  it('shows batch boundaries at --log debug', () => {
    const file = programFile('!(+ 1 2)\n!(+ 2 3)\n(x)\n!(+ 3 4)\n');
    const r = metta([file, '--workers', '2', '--log', 'debug']);
    expect(r.out).toBe('[3]\n[5]\n[7]\n');
    expect(r.err).toMatch(/batch of 2 ! forms from .*prog\.metta:1:1/);
    expect(r.err).toMatch(/batch of 1 ! forms from .*prog\.metta:4:1/);
  });
});
