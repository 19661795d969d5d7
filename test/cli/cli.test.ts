import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

function programFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'metta-cli-'));
  const file = join(dir, 'prog.metta');
  writeFileSync(file, text);
  return file;
}

describe('metta command', () => {
  it('prints the expected output of examples/kb.metta', async () => {
    const { code, out, err } = await runCli(['examples/kb.metta']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toBe(readFileSync('examples/kb.metta.expected', 'utf8'));
  });

  it('accepts the run subcommand and the reserved flags', async () => {
    const plain = await runCli(['examples/kb.metta']);
    const withRun = await runCli(['run', '--gpu', 'off', '--workers', '2', '--log=error', 'examples/kb.metta']);
    expect(withRun.code).toBe(0);
    expect(withRun.out).toBe(plain.out);
  });

  it('returns matches in insertion order with duplicates kept', async () => {
    const file = programFile('(n 3)\n(n 1)\n(n 2)\n(n 1)\n!(match &self (n $x) $x)\n');
    expect((await runCli([file])).out).toBe('[3, 1, 2, 1]\n');
  });

  it('reports a parse error with file:line:column after printing what ran (exit 2)', async () => {
    const file = programFile('(a 1)\n!(match &self (a $x) $x)\n  (broken\n');
    const { code, out, err } = await runCli([file]);
    expect(out).toBe('[1]\n');
    expect(err).toBe(`${file}:3:3: unbalanced parentheses: '(' is never closed\n`);
    expect(code).toBe(2);
  });

  it('rejects a file that is not UTF-8 at the first invalid byte (exit 2), before running anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metta-cli-'));
    const file = join(dir, 'latin1.metta');
    // `é` as Latin-1 (0xe9 then a space: not a continuation byte), after a multi-byte `ü` on the same line.
    writeFileSync(file, Buffer.concat([Buffer.from('!(+ 1 2)\n(foo ü '), Buffer.from([0xe9, 0x20]), Buffer.from('bar)\n')]));
    const { code, out, err } = await runCli([file]);
    expect(out).toBe('');
    expect(err).toBe(`${file}:2:8: invalid UTF-8 (byte 0xe9): source files must be UTF-8\n`);
    expect(code).toBe(2);
    // The same through metta query, for the knowledge base and the patterns.
    const patterns = programFile('(foo $x)\n');
    const query = await runCli(['query', file, patterns]);
    expect(query.err).toBe(`${file}:2:8: invalid UTF-8 (byte 0xe9): source files must be UTF-8\n`);
    expect(query.code).toBe(2);
  });

  it('reports an unterminated string at its opening quote', async () => {
    const file = programFile('(a "oops)\n');
    const { code, err } = await runCli([file]);
    expect(err).toBe(`${file}:1:4: unterminated string literal\n`);
    expect(code).toBe(2);
  });

  it('stops at the first error result (exit 1) unless --keep-going', async () => {
    const file = programFile('(a 1)\n!(/ 1 0)\n!(match &self (a $x) $x)\n');
    const stopped = await runCli([file]);
    expect(stopped.code).toBe(1);
    expect(stopped.out).toBe('[(Error (/ 1 0) DivisionByZero)]\n');
    const going = await runCli(['--keep-going', file]);
    expect(going.code).toBe(1);
    expect(going.out).toBe('[(Error (/ 1 0) DivisionByZero)]\n[1]\n');
  });

  it('evaluates rules, arithmetic and println! in order', async () => {
    const file = programFile('(= (double $x) (* $x 2))\n!(println! "start")\n!(double (+ 1 2))\n');
    const { code, out } = await runCli([file]);
    expect(code).toBe(0);
    expect(out).toBe('start\n[()]\n[6]\n');
  });

  it('rejects bad usage with exit 2 and no stack trace', async () => {
    for (const argv of [[], ['--gpu', 'maybe', 'x.metta'], ['--workers', '0', 'x.metta'], ['--bogus', 'x.metta'], ['a.metta', 'b.metta']]) {
      const { code, err } = await runCli(argv);
      expect(code).toBe(2);
      expect(err).toMatch(/^metta: /);
      expect(err).not.toMatch(/\n\s+at /);
    }
    const missing = await runCli(['/nonexistent/file.metta']);
    expect(missing.code).toBe(2);
    expect(missing.err).toBe('metta: cannot read /nonexistent/file.metta: no such file\n');
  });

  it('works as an installed command: real exit codes and streams', () => {
    const ok = execFileSync(process.execPath, ['bin/metta.js', 'examples/kb.metta'], { encoding: 'utf8' });
    expect(ok).toBe(readFileSync('examples/kb.metta.expected', 'utf8'));
    const bad = spawnSync(process.execPath, ['bin/metta.js', programFile('(x')], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/prog\.metta:1:1: unbalanced parentheses/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
