// `metta query KB PATTERNS`: one line per pattern in pattern order, byte-identical whatever answers
// the batches (CPU on this thread, worker threads, the GPU), jsonl agreeing with text, streamed a
// batch at a time, `metta run`'s answers for the same matches, and file:line:column errors (exit 2).
// Runs the compiled command (bin/metta.js → dist/), as users do, except the in-process streaming test.
// The --gpu on comparison is test/gpu/query-cli.test.ts.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { kbText, patternText } from './query-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'metta-query-'));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const kb = write('kb.metta', kbText());
const patterns = write('patterns.metta', patternText());
// No calibration unless a test gives one: the user's cache file must not choose the paths here.
process.env['METTA_CALIBRATION'] = join(dir, 'no-calibration.json');

function metta(args: string[], env: Record<string, string> = {}): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['bin/metta.js', ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  if (!existsSync('dist/src/runner/pool-worker.js')) throw new Error('dist/ is not built: run npm run build');
});

describe('metta query', () => {
  let reference = '';
  beforeAll(() => {
    const r = metta(['query', kb, patterns, '--gpu', 'off']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    reference = r.out;
  });

  it('prints one line per pattern, in pattern order', () => {
    const lines = reference.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(400);
    expect(lines[4]).toBe('[(likes $who#1 (cake $who#1))]');
    expect(lines[6]).toBe('[(w n1 2.5), (w n2 7)]');
    expect(lines[7]).toBe('[]');
    expect(lines[0]!.startsWith('[(edge n0 ')).toBe(true);
  });

  it('gives byte-identical output with --gpu off, --workers 1, --workers 2 and any batch size', () => {
    for (const args of [['--workers', '1'], ['--workers', '2'], ['--workers', '2', '--batch', '13'], ['--batch', '1'], ['--gpu', 'auto', '--batch', '64']]) {
      const r = metta(['query', kb, patterns, ...args]);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.err, args.join(' ')).toBe('');
      expect(r.out, args.join(' ')).toBe(reference);
    }
  });

  it('answers on the CPU through the live index: the frozen trie is built only for the pool or the GPU', () => {
    const cpu = metta(['query', kb, patterns, '--gpu', 'off', '--workers', '1', '--log', 'info']);
    expect(cpu.code).toBe(0);
    expect(cpu.out).toBe(reference);
    expect(cpu.err).toMatch(/query: \d+ atoms in the space\n/);
    expect(cpu.err).not.toMatch(/frozen trie/);
    const pool = metta(['query', kb, patterns, '--gpu', 'off', '--workers', '2', '--log', 'info']);
    expect(pool.code).toBe(0);
    expect(pool.out).toBe(reference);
    expect(pool.err).toMatch(/query: frozen trie for the GPU and the pool built in \d+ ms/);
  });

  it('auto: the pool is a candidate when calibrated, started only when chosen; the output is the same', (ctx) => {
    if (availableParallelism() < 2) return ctx.skip(); // one core: the pool is never a candidate
    // Made-up costs: the pool (450 ms per batch) beats the CPU (10 ms per pattern) from 46 patterns.
    const poolWins = write('pool-wins.json', JSON.stringify({ paths: { cpu: { overheadMs: 0, perPatternUs: 10_000 }, pool: { overheadMs: 450, perPatternUs: 0 } } }));
    const env = { METTA_CALIBRATION: poolWins };
    // Batches of 60: six on the pool (started for the first), the last 40 patterns on the CPU.
    for (const gpu of ['auto', 'off']) {
      const r = metta(['query', kb, patterns, '--gpu', gpu, '--batch', '60', '--log', 'info'], env);
      expect(r.code, gpu).toBe(0);
      expect(r.out, gpu).toBe(reference);
      expect(r.err).toMatch(/query: scheduler over cpu, pool \(calibrated\)/);
      expect(r.err).toMatch(/query: pool: \d+ workers, a candidate, started when first chosen \(\d+ patterns in batches of 60: predicted to save 900\.0 ms, start-up 200 ms\)/);
      expect(r.err).toMatch(/query: pool of \d+ workers started for a batch of 60 patterns/);
      expect(r.err).toMatch(/query: scheduler: pool: 6 batch\(es\), 360 patterns, predicted 2700\.0 ms, measured [\d.]+ ms; cpu: 1 batch\(es\), 40 patterns/);
      expect(r.err).toMatch(/query: 400 patterns in 7 batch\(es\); 0 on the GPU, 1 on the CPU, 6 on \d+ workers;/);
    }
    // Batches of 40: the CPU is predicted faster for each, so the pool is never weighed in.
    const small = metta(['query', kb, patterns, '--batch', '40', '--log', 'info'], env);
    expect(small.out).toBe(reference);
    expect(small.err).toMatch(/query: scheduler over cpu \(calibrated\)/);
    expect(small.err).toMatch(/query: pool: not used \(never predicted faster than cpu at batches of 40\)/);
    expect(small.err).toMatch(/query: scheduler: cpu: 10 batch\(es\), 400 patterns/);
    // A run too short to pay the start-up: 2 patterns save 0, and one batch of 60 would save 150 ms.
    const two = write('two.metta', '(edge n1 $y)\n(edge $x n2)\n');
    const short = metta(['query', kb, two, '--log', 'info'], env);
    expect(short.code).toBe(0);
    expect(short.err).toMatch(/query: pool: not used/);
    expect(short.err).not.toMatch(/workers started/);
    const sixty = write('sixty.metta', patternText().split('\n').filter((l) => l !== '' && !l.startsWith(';')).slice(0, 60).join('\n') + '\n');
    const one = metta(['query', kb, sixty, '--log', 'info'], env);
    expect(one.out).toBe(reference.split('\n').slice(0, 60).join('\n') + '\n');
    expect(one.err).toMatch(/query: pool: not a candidate: the run cannot pay its start-up \(\d+ workers; 60 patterns in batches of 4096: predicted to save 150\.0 ms, start-up 200 ms\)/);
    expect(one.err).toMatch(/query: scheduler: cpu: 1 batch\(es\), 60 patterns/);
    // --workers 1: this thread only; --workers 2 forces the pool; no calibration: the CPU.
    const w1 = metta(['query', kb, patterns, '--batch', '60', '--log', 'info', '--workers', '1'], env);
    expect(w1.out).toBe(reference);
    expect(w1.err).toMatch(/query: pool: not used \(--workers 1: this thread only\)/);
    expect(w1.err).toMatch(/query: scheduler: cpu: 7 batch\(es\), 400 patterns/);
    const w2 = metta(['query', kb, patterns, '--batch', '60', '--log', 'info', '--workers', '2'], env);
    expect(w2.out).toBe(reference);
    expect(w2.err).toMatch(/query: scheduler: pool: 7 batch\(es\), 400 patterns/);
    const none = metta(['query', kb, patterns, '--batch', '60', '--log', 'info']);
    expect(none.out).toBe(reference);
    expect(none.err).toMatch(/query: pool: not used \(no calibration of the pool/);
    expect(none.err).toMatch(/query: scheduler: cpu: 7 batch\(es\), 400 patterns/);
  });

  it('answers as metta run answers the same matches', () => {
    // Each pattern P as !(match &self P P), each match form as itself; templates here evaluate to themselves.
    const forms = patternText()
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith(';'))
      .map((l) => (l.startsWith('!(match') ? l : `!(match &self ${l.replace(/^!/, '')} ${l.replace(/^!/, '')})`));
    const program = write('program.metta', kbText() + forms.join('\n') + '\n');
    const run = metta(['run', '--workers', '1', program]);
    expect(run.code).toBe(0);
    expect(run.out).toBe(reference);
  });

  it('jsonl: one object per pattern, results equal to the text line', () => {
    const r = metta(['query', kb, patterns, '--format', 'jsonl', '--workers', '2', '--batch', '50']);
    expect(r.code).toBe(0);
    const text = reference.trimEnd().split('\n');
    const objects = r.out.trimEnd().split('\n').map((l) => JSON.parse(l) as { index: number; pattern: string; template?: string; line: number; column: number; results: string[] });
    expect(objects).toHaveLength(400);
    objects.forEach((o, i) => {
      expect(o.index).toBe(i);
      expect(o.line).toBe(i + 2);
      expect('[' + o.results.join(', ') + ']').toBe(text[i]);
    });
    expect(objects[1]).toMatchObject({ pattern: '(edge $x n1)', template: '($x to n1)', column: 1 });
    expect(objects[0]!.template).toBeUndefined();
    expect(objects[2]).toMatchObject({ pattern: '(edge n2 n14)', column: 1 });
  });

  it('streams a batch at a time, in pattern order', async () => {
    const chunks: string[] = [];
    const code = await main(['query', kb, patterns, '--batch', '25'], { out: (t) => chunks.push(t), err: () => {} });
    expect(code).toBe(0);
    expect(chunks).toHaveLength(16);
    for (const c of chunks) expect(c.split('\n')).toHaveLength(26);
    expect(chunks.join('')).toBe(reference);
  });

  it('draws a progress bar on stderr only when asked or on a terminal, never on stdout', () => {
    const r = metta(['query', kb, patterns, '--progress', '--batch', '100']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(reference);
    expect(r.err).toMatch(/\[#+-*\] +\d+% +[\d,]+ patterns/);
    const quiet = metta(['query', kb, patterns, '--progress', '--quiet']);
    expect(quiet.err).toBe('');
  });

  it('runs the KB\'s ! forms with their output on stderr', () => {
    const kb2 = write('kb2.metta', '(n 1)\n!(println! "loading")\n!(add-atom &self (n 2))\n(n 3)\n');
    const pats = write('p2.metta', '(n $x)\n');
    const r = metta(['query', kb2, pats]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('[(n 1), (n 2), (n 3)]\n');
    expect(r.err).toBe('loading\n[()]\n[()]\n');
  });

  it('--timeout and --max-steps bound a KB whose ! form loops: nothing is answered, exit 1', () => {
    const looping = write('looping.metta', '(n 1)\n(= (loop $x) (loop (+ $x 1)))\n!(loop 0)\n(n 2)\n');
    const pats = write('p3.metta', '(n $x)\n');
    const timed = metta(['query', looping, pats, '--timeout', '0.3']);
    expect(timed.code).toBe(1);
    expect(timed.out).toBe('');
    expect(timed.err).toBe(`${looping}:3:1: evaluation stopped: time limit reached (--timeout)\nmetta query: ${looping} did not load completely (time limit reached (--timeout)); no pattern is answered\n`);
    const stepped = metta(['query', looping, pats, '--max-steps', '500']);
    expect(stepped.code).toBe(1);
    expect(stepped.out).toBe('');
    expect(stepped.err).toContain(`${looping}:3:1: evaluation stopped: stopped after 500 steps (--max-steps)\n`);
    // Within the limits: answered as without them.
    const fine = metta(['query', write('fine.metta', '(n 1)\n!(+ 1 2)\n'), pats, '--timeout', '60', '--max-steps', '1000']);
    expect(fine.code).toBe(0);
    expect(fine.out).toBe('[(n 1)]\n');
    // The deadline passes while plain atoms load (reading the files alone takes longer than 1 ms): the
    // loader stops between two atoms, as `metta run` does.
    const late = metta(['query', kb, patterns, '--timeout', '0.001']);
    expect(late.code).toBe(1);
    expect(late.out).toBe('');
    expect(late.err).toMatch(/evaluation stopped: time limit reached \(--timeout\)\nmetta query: .* did not load completely/);
    for (const bad of [['--timeout', '0'], ['--timeout', 'soon'], ['--max-steps', '1.5']]) expect(metta(['query', kb, patterns, ...bad]).code).toBe(2);
  });

  it('reports bad files as file:line:column with exit 2, after printing the answers before', () => {
    const bad = write('bad.metta', '(edge n1 $y)\n(edge n2 $y)\n(edge (n3 $y)\n');
    const r = metta(['query', kb, bad, '--batch', '1']);
    expect(r.code).toBe(2);
    expect(r.out.split('\n')).toHaveLength(3);
    expect(r.err).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:1: `));

    const other = write('other.metta', '(edge n1 $y)\n  !(match &kb (edge $x n1) $x)\n');
    const o = metta(['query', kb, other]);
    expect(o.code).toBe(2);
    expect(o.out.split('\n')).toHaveLength(2);
    expect(o.err).toContain(`${other}:2:3: only &self can be queried here`);

    const badKb = write('badkb.metta', '(edge n1 n2)\n(edge "n2 n3)\n');
    const k = metta(['query', badKb, patterns]);
    expect(k.code).toBe(2);
    expect(k.out).toBe('');
    expect(k.err).toMatch(new RegExp(`${badKb.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:7: `));

    const missing = metta(['query', kb, join(dir, 'nope.metta')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read');

    const usage = metta(['query', kb]);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('Usage: metta query KB.metta PATTERNS.metta');
    expect(metta(['query', kb, patterns, '--format', 'xml']).code).toBe(2);
  });
});
