// The REPL driver in-process, without a terminal (input from a stream, no prompts), and its command
// line. The terminal behaviour (prompts, Ctrl-C, Ctrl-D, history) is tested in repl-pty.test.ts.

import { spawnSync } from 'node:child_process';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/cli/args.js';
import { historyFile, readHistory, runRepl } from '../../src/cli/repl.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function repl(input: string, session: { maxSteps?: number } = {}): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const sink = (add: (t: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer, _e, done) {
        add(chunk.toString());
        done();
      },
    });
  const stdin = new PassThrough();
  const done = runRepl({
    input: stdin,
    output: sink((t) => (out += t)),
    errorOutput: sink((t) => (err += t)),
    terminal: false,
    historyFile: null,
    session: { currentDir: process.cwd(), maxSteps: session.maxSteps ?? null, timeout: null },
  });
  stdin.end(input);
  const code = await done;
  return { out, err, code };
}

describe('REPL without a terminal', () => {
  it('prints what `metta FILE` prints for the same text, entry by entry', async () => {
    const text = '(= (double $x) (* $x 2))\n(n 3)\n(n 1)\n!(match &self (n $x) (double $x))\n!(println! "hi")\n!(superpose (1 2.5 "s"))\n';
    const r = await repl(text);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe('[6, 2]\nhi\n[()]\n[1, 2.5, "s"]\n');
    const file = join(mkdtempSync(join(tmpdir(), 'metta-repl-')), 'p.metta');
    writeFileSync(file, text);
    const cli = spawnSync(process.execPath, ['bin/metta.js', file], { encoding: 'utf8' });
    expect(cli.status).toBe(0);
    expect(r.out).toBe(cli.stdout);
  });

  it('joins lines while parentheses or a string are open', async () => {
    const r = await repl('!(+ 1\n   2)\n!(repr "x\ny")\n(f\n a)\n!(match &self (f $v) $v)\n');
    expect(r.out).toBe('[3]\n' + String.raw`["\"x\\ny\""]` + '\n[a]\n');
  });

  it('keeps one environment: bind! tokens, spaces and rules persist across entries', async () => {
    const r = await repl('!(bind! &kb (new-space))\n!(add-atom &kb (k 1))\n!(match &kb (k $v) $v)\n!(bind! two 2)\n!(+ two two)\n');
    expect(r.out).toBe('[()]\n[()]\n[1]\n[()]\n[4]\n');
  });

  it('reports errors on one line and goes on with the next entries', async () => {
    const r = await repl('!(/ 1 0)\n!(+ 1 1)\n!(a ))\n!(+ 2 2)\n(= (spin) (spin))\n!(spin)\n!(+ 3 3)\n', { maxSteps: 2000 });
    expect(r.out).toBe('[(Error (/ 1 0) DivisionByZero)]\n[2]\n[(a)]\n[4]\n[6]\n');
    const lines = r.err.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe("<repl>:1:6: unbalanced parentheses: unexpected ')'");
    expect(lines[1]).toMatch(/^<repl>:1:1: evaluation stopped: .*step/);
    expect(r.code).toBe(0);
  });

  it('the forms of one entry before a syntax error still run; an entry left open at the end is reported', async () => {
    const r = await repl('!(+ 1 1) !(+ 2 2) )\n!(foo\n');
    expect(r.out).toBe('[2]\n[4]\n');
    expect(r.err).toBe("<repl>:1:19: unbalanced parentheses: unexpected ')'\n<repl>:1:2: unbalanced parentheses: '(' is never closed\n");
    expect(r.code).toBe(0);
  });
});

describe('REPL command line and history file', () => {
  it('parses metta repl and its options; rejects run-only flags and files', () => {
    expect(parseArgs(['repl'])).toEqual({ kind: 'repl', log: null, maxSteps: null, timeout: null });
    expect(parseArgs(['repl', '--max-steps', '10', '--timeout', '2.5', '--log', 'warn'])).toEqual({ kind: 'repl', log: 'warn', maxSteps: 10, timeout: 2.5 });
    expect(() => parseArgs(['repl', 'x.metta'])).toThrow(UsageError);
    expect(() => parseArgs(['repl', '--workers', '2'])).toThrow(/not available in the REPL: --workers/);
    expect(() => parseArgs(['repl', '--save-state', 'f'])).toThrow(/--save-state/);
  });

  it('no file starts the REPL only when standard input is a terminal', () => {
    expect(() => parseArgs([])).toThrow(/no program file/);
    expect(parseArgs([], { stdinIsTty: true })).toEqual({ kind: 'repl', log: null, maxSteps: null, timeout: null });
    expect(parseArgs(['--max-steps', '7'], { stdinIsTty: true })).toMatchObject({ kind: 'repl', maxSteps: 7 });
    expect(parseArgs(['a.metta'], { stdinIsTty: true })).toMatchObject({ kind: 'run', file: 'a.metta' });
  });

  it('chooses and reads the history file', () => {
    expect(historyFile({ METTA_HISTORY: '/x/h' })).toBe('/x/h');
    expect(historyFile({ METTA_HISTORY: '' })).toBeNull();
    expect(historyFile({})).toMatch(/\.metta_history$/);
    const file = join(mkdtempSync(join(tmpdir(), 'metta-hist-')), 'h');
    writeFileSync(file, Array.from({ length: 1500 }, (_, i) => `!(+ ${i} 0)`).join('\n') + '\n\n');
    const lines = readHistory(file);
    expect(lines).toHaveLength(1000);
    expect(lines[0]).toBe('!(+ 500 0)');
    expect(lines[999]).toBe('!(+ 1499 0)');
    expect(readHistory(join(file, 'missing'))).toEqual([]);
  });
});
