import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine, EngineClosedError } from '../../src/api/engine.js';
import { formatAtom } from '../../src/core/printer.js';
import { MettaSyntaxError } from '../../src/core/errors.js';
import { compile, results, run, stdoutText } from '../../src/runner/state.js';
import { deserializeState, StateFormatError } from '../../src/runner/serialize.js';
import { EvaluationStopped } from '../../src/eval/index.js';
import { Program } from '../../src/runner/program.js';
import { evalConfig } from '../../src/runner/eval-config.js';

const fmt = (atoms: readonly { toString(): string }[] | null): string[] | null => (atoms === null ? null : atoms.map((a) => formatAtom(a as never)));

/** What `metta --keep-going FILE` prints for `text` (Program, as the CLI runs it). */
function cliOutput(text: string): string {
  let out = '';
  new Program({ stdout: (t) => (out += t), stderr: () => {} }).run(text, 'p.metta', { keepGoing: true, writeOut: (l) => (out += l + '\n'), writeErr: () => {} });
  return out;
}

const PROGRAM = `
(parent Tom Bob) (parent Bob Ann) (parent Bob Liz)
(= (grandparent $x $z) (match &self (, (parent $x $y) (parent $y $z)) $z))
!(println! "start")
!(grandparent Tom $who)
!(superpose (1 2.5 "s"))
!(/ 1 0)
!(+ 1 1)
`;

describe('Engine', () => {
  it('load runs text as the CLI does: atoms added, !forms evaluated, lines and atoms returned', () => {
    const engine = new Engine();
    const r = engine.load(PROGRAM, 'family.metta');
    expect(r.stdout).toBe(cliOutput(PROGRAM));
    expect(r.lines).toEqual(['start', '[()]', '[Ann, Liz]', '[1, 2.5, "s"]', '[(Error (/ 1 0) DivisionByZero)]', '[2]']);
    expect(r.forms.map((f) => fmt(f.atoms))).toEqual([['()'], ['Ann', 'Liz'], ['1', '2.5', '"s"'], ['(Error (/ 1 0) DivisionByZero)'], ['2']]);
    expect(r.forms.map((f) => f.isError)).toEqual([false, false, false, true, false]);
    expect(r.forms[1]!.position).toEqual({ file: 'family.metta', line: 5, column: 1 });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('');
    // The space keeps what was loaded; later calls see it.
    expect(engine.load('!(grandparent Tom $w)').lines).toEqual(['[Ann, Liz]']);
    expect(engine.space.atoms().length).toBe(4);
  });

  it('keepGoing: false stops at the first error result, as metta FILE does', () => {
    const r = new Engine({ keepGoing: false }).load('!(/ 1 0)\n!(+ 1 1)\n');
    expect(r.lines).toEqual(['[(Error (/ 1 0) DivisionByZero)]']);
    expect(r.exitCode).toBe(1);
  });

  it('a syntax error throws before anything runs', () => {
    const engine = new Engine();
    expect(() => engine.load('(a 1)\n!(println! "ran")\n(b', 'bad.metta')).toThrow(MettaSyntaxError);
    expect(() => engine.load('(a 1)\n(b', 'bad.metta')).toThrow("bad.metta:2:1: unbalanced parentheses: '(' is never closed");
    expect(engine.space.atoms()).toHaveLength(0);
  });

  it('bind! tokens and settings persist from call to call', () => {
    const engine = new Engine();
    engine.load('!(bind! &kb (new-space))\n!(add-atom &kb (k 5))');
    expect(engine.load('!(match &kb (k $v) (* $v 2))').lines).toEqual(['[10]']);
    expect(engine.query('(k $v)')[0]!.matches).toHaveLength(0); // &kb is not &self
  });

  it('query answers patterns in pattern order, conjunctions included, with variable values', () => {
    const engine = new Engine();
    engine.load('(edge a b) (edge b c) (edge a c) (label a "A")');
    const answers = engine.query(['(edge a $to)', '(, (edge $x $y) (edge $y $z))', engine.parse('(label $n $l)'), '(missing $q)']);
    expect(answers.map((a) => formatAtom(a.pattern))).toEqual(['(edge a $to)', '(, (edge $x $y) (edge $y $z))', '(label $n $l)', '(missing $q)']);
    expect(answers[0]!.variables).toEqual(['to']);
    expect(answers[0]!.matches.map((m) => formatAtom(m.get('to')!))).toEqual(['b', 'c']);
    expect(answers[1]!.variables).toEqual(['x', 'y', 'z']);
    expect(answers[1]!.matches.map((m) => ['x', 'y', 'z'].map((v) => formatAtom(m.get(v)!)).join(' '))).toEqual(['a b c']);
    expect(answers[2]!.matches.map((m) => formatAtom(m.get('l')!))).toEqual(['"A"']);
    expect(answers[3]!.matches).toEqual([]);
    // Text with several patterns, one with `!`; the same answers as `match`.
    const text = engine.query('(edge $s c)\n!(edge b $t)');
    expect(text.map((a) => a.matches.length)).toEqual([2, 1]);
    expect(engine.load('!(match &self (edge $s c) $s)').lines).toEqual(['[' + text[0]!.matches.map((m) => formatAtom(m.get('s')!)).join(', ') + ']']);
  });

  it('maxSteps and timeout stop a form: exit code 1, the reason on stderr, the engine goes on', () => {
    const engine = new Engine({ maxSteps: 2000 });
    const r = engine.load('(= (spin) (spin))\n!(+ 1 1)\n!(spin)\n!(+ 2 2)\n', 'spin.metta');
    expect(r.lines).toEqual(['[2]']);
    expect(r.stderr).toMatch(/^spin\.metta:3:1: evaluation stopped: .*step/);
    expect(r.exitCode).toBe(1);
    expect(r.stopped).toBe('stopped after 2000 steps (--max-steps)');
    const fine = engine.load('!(+ 3 3)');
    expect(fine.lines).toEqual(['[6]']);
    expect(fine.stopped).toBeNull();
    expect(() => engine.evaluate('(spin)')).toThrow(EvaluationStopped);
    const timed = new Engine({ timeout: 0.2 });
    const t = timed.load('(= (spin) (spin))\n!(spin)\n');
    expect(t.stderr).toMatch(/evaluation stopped: time limit/);
    expect(t.stopped).toBe('time limit reached (--timeout)');
    // The deadline is per call: a later call gets its own.
    expect(timed.load('!(+ 1 2)').lines).toEqual(['[3]']);
  });

  it('loadFile resolves import! against the file folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metta-engine-'));
    writeFileSync(join(dir, 'lib.metta'), '(= (triple $x) (* 3 $x))\n');
    writeFileSync(join(dir, 'main.metta'), '!(import! &self lib)\n!(triple 14)\n');
    const r = new Engine().loadFile(join(dir, 'main.metta'));
    expect(r.lines).toEqual(['[()]', '[42]']);
  });

  it('evaluate returns the results of one atom', () => {
    const engine = new Engine();
    engine.load('(= (sq $x) (* $x $x))');
    expect(engine.evaluate('(sq 7)').map(formatAtom)).toEqual(['49']);
    expect(engine.evaluate(engine.parse('(superpose (1 2))')).map(formatAtom)).toEqual(['1', '2']);
  });

  it('run with workers prints exactly what the sequential run prints', async () => {
    const text = PROGRAM + Array.from({ length: 30 }, (_, i) => `!(grandparent Tom $w${i})\n!(println! "line ${i}")`).join('\n');
    const sequential = new Engine().load(text);
    const engine = new Engine({ workers: 2 });
    expect(engine.evalConfig.maxWorkers).toBe(2);
    const parallel = await engine.run(text);
    expect(parallel.stdout).toBe(sequential.stdout);
    expect(parallel.lines).toEqual(sequential.lines);
    expect(parallel.exitCode).toBe(sequential.exitCode);
    expect(parallel.forms.map((f) => f.line)).toEqual(sequential.forms.map((f) => f.line));
    // A sequential engine's run is load, with atoms for every form.
    const seq = await new Engine().run(text);
    expect(seq.forms.every((f) => f.atoms !== null)).toBe(true);
    expect(seq.stdout).toBe(sequential.stdout);
  });

  it('forms evaluated on the pool report their line and null atoms; the output is the sequential one', async () => {
    const text = '(= (fib $n) (if (< $n 2) $n (+ (fib (- $n 1)) (fib (- $n 2)))))\n' + Array.from({ length: 12 }, (_, i) => `!(fib ${12 + (i % 4)})`).join('\n');
    const sequential = new Engine().load(text);
    // A pool that takes every batch (no inline budget, no start-up cost counted) and every form of it:
    // the calling thread takes none, or on a loaded machine it could finish them all first.
    const engine = new Engine({ config: evalConfig('default', { workers: 2, inlineBudgetMs: 0, minTaskMs: 0, ownerTakesTasks: false }) });
    // A small program: wait for the pool's thread, so that some forms run on it.
    expect(await engine.poolReady()).toBe(true);
    const pooled = await engine.run(text);
    expect(pooled.lines).toEqual(sequential.lines);
    expect(pooled.forms.some((f) => f.atoms === null)).toBe(true);
    for (const [i, f] of pooled.forms.entries()) if (f.atoms !== null) expect(fmt(f.atoms)).toEqual(fmt(sequential.forms[i]!.atoms));
  });

  it('state() is an independent MettaState; serialize / fromState continue the engine', async () => {
    const engine = new Engine();
    engine.load('(fact 1)\n!(bind! &extra (new-space))\n!(add-atom &extra (x 9))\n');
    const state = engine.state();
    engine.load('(fact 2)');
    // The copy does not see what the engine did afterwards, and runs as a MettaState.
    const next = run(state, compile('!(match &self (fact $n) $n)\n!(match &extra (x $v) $v)'));
    expect(stdoutText(next.output)).toBe('[1]\n[9]\n');
    expect(results(next).map((r) => r.map(formatAtom))).toEqual([['1'], ['9']]);

    const bytes = engine.serialize();
    expect(deserializeState(bytes).environment.self.space.atoms()).toHaveLength(2);
    const restored = Engine.fromState(bytes);
    const r = restored.load('!(println! "restored")\n!(match &self (fact $n) $n)\n!(match &extra (x $v) $v)\n!(trace! "t" ok)');
    expect(r.lines).toEqual(['restored', '[()]', '[1, 2]', '[9]', '[ok]']);
    expect(r.stderr).toBe('t\n');
    // A restored engine with a pool captures println! too.
    const pooled = Engine.fromState(bytes, { workers: 2 });
    const p = await pooled.run(Array.from({ length: 20 }, (_, i) => `!(println! ${i})\n!(match &self (fact $n) (+ $n ${i}))`).join('\n'));
    expect(p.lines).toEqual(Array.from({ length: 20 }, (_, i) => [`${i}`, '[()]', `[${1 + i}, ${2 + i}]`]).flat());
    // From a MettaState: copied, so the state stays usable.
    const fromValue = Engine.fromState(next);
    expect(fromValue.load('!(add-atom &self (fact 3))\n!(match &self (fact $n) $n)').lines).toEqual(['[()]', '[1, 3]']);
    expect(stdoutText(run(next, compile('!(match &self (fact $n) $n)')).output)).toBe('[1]\n[9]\n[1]\n');
    expect(() => Engine.fromState(state)).toThrow(/already run/); // a consumed state cannot be copied
    expect(() => Engine.fromState(bytes.slice(0, 20))).toThrow(StateFormatError);
  });

  it('runCompiled runs a compiled program through MettaState run', () => {
    const engine = new Engine();
    engine.load('(= (inc $x) (+ $x 1))');
    const compiled = Engine.compile('!(println! "go")\n!(inc 41)\n', 'c.metta');
    const r = engine.runCompiled(compiled);
    expect(r.lines).toEqual(['go', '[()]', '[42]']);
    expect(r.forms.map((f) => fmt(f.atoms))).toEqual([['()'], ['42']]);
    expect(engine.load('!(inc 1)').lines).toEqual(['[2]']);
    expect(() => Engine.compile('(x')).toThrow(MettaSyntaxError);
  });

  it('close ends the engine', () => {
    const engine = new Engine();
    engine.close();
    expect(() => engine.load('(a)')).toThrow(EngineClosedError);
    expect(() => engine.query('(a)')).toThrow(EngineClosedError);
    expect(() => engine.serialize()).toThrow(EngineClosedError);
  });
});
