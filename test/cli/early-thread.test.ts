// bin/metta.js starts the run thread before the command's code loads when the arguments may name a
// program (src/cli/worker.ts): the thread gets its job by message, or is dismissed when the
// command does not run a program, and the process still exits by itself with the right code.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs, SUBCOMMANDS } from '../../src/cli/args.js';

function metta(args: string[]): { status: number | null; signal: string | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/metta.js', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe('the early run thread', () => {
  it('is not started for the subcommands: bin/metta.js names the same ones as the argument parser', () => {
    const bin = readFileSync('bin/metta.js', 'utf8');
    expect(bin).toContain(`const SUBCOMMANDS = [${SUBCOMMANDS.map((s) => `'${s}'`).join(', ')}];`);
    for (const sub of SUBCOMMANDS) expect(parseArgs([sub, '--help']).kind).not.toBe('run');
  });

  it('runs the program it is given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metta-early-'));
    const file = join(dir, 'p.metta');
    writeFileSync(file, '(= (f $x) (* $x 2))\n!(f 21)\n!(println! done)\n');
    const r = metta([file]);
    expect(r.stdout).toBe('[42]\ndone\n[()]\n');
    expect(r.status).toBe(0);
    expect(metta(['run', '--workers', '2', file]).stdout).toBe('[42]\ndone\n[()]\n');
  });

  it('is dismissed when nothing runs: usage errors and unreadable files exit by themselves', () => {
    const missing = metta([join(tmpdir(), 'metta-no-such-dir', 'x.metta')]);
    expect(missing.signal).toBeNull();
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^metta: cannot read .*x\.metta: no such file\n$/);
    const usage = metta(['--max-steps', '0', 'x.metta']);
    expect(usage.signal).toBeNull();
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^metta: /);
    const two = metta(['a.metta', 'b.metta']);
    expect(two.status).toBe(2);
    expect(two.stderr).toContain("expected one program file, got 'a.metta' and 'b.metta'");
  });
});
