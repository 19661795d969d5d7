// `metta compile KB.metta -o KB.mspace`, then `metta run FILE --space KB.mspace` and
// `metta query KB.mspace PATTERNS`: the same output as from the text KB; a damaged, truncated,
// other-version or foreign file is one line on stderr and exit code 2, never a stack trace.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { main } from '../../src/cli/main.js';

async function metta(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const BIN = resolve('bin/metta.js');

/** A knowledge base, a program to run on it, and the two as one text, written to `dir` as STEM, STEM-prog and STEM-both (.metta). */
function kbAndProgram(dir: string, stem: string, kbText: string, progText: string): { kb: string; prog: string; both: string } {
  const files = { kb: join(dir, `${stem}.metta`), prog: join(dir, `${stem}-prog.metta`), both: join(dir, `${stem}-both.metta`) };
  writeFileSync(files.kb, kbText);
  writeFileSync(files.prog, progText);
  writeFileSync(files.both, kbText + progText);
  return files;
}

describe('metta compile and --space', () => {
  const dir = mkdtempSync(join(tmpdir(), 'metta-mspace-'));
  const { kb, prog, both } = kbAndProgram(
    dir,
    'kb',
    '(edge a b)\n(edge b c)\n(edge c "d" 1.5)\n(= (hop $x) (match &self (edge $x $y) $y))\n!(add-atom &self (edge z a))\n!(println! "built")\n',
    '!(hop a)\n!(match &self (edge $x a) $x)\n!(collapse (get-atoms &self))\n!(new-space)\n',
  );
  const pats = join(dir, 'pats.metta');
  writeFileSync(pats, '(edge $x $y)\n(edge b $y)\n!(match &self (= (hop $x) $b) $x)\n');

  it('runs the KB (its !forms print), writes the space, and a run on it prints what the concatenated text prints', async () => {
    const compiled = await metta(['compile', kb, '-o', join(dir, 'kb.mspace')]);
    expect(compiled).toEqual({ code: 0, out: '[()]\nbuilt\n[()]\n', err: '' });
    const run = await metta(['run', prog, '--space', join(dir, 'kb.mspace')]);
    const whole = await metta([both]);
    expect(run.code).toBe(0);
    expect(run.err).toBe('');
    expect('[()]\nbuilt\n[()]\n' + run.out).toBe(whole.out);
    // Also through the state runner (--save-state).
    const saved = await metta(['run', prog, '--space', join(dir, 'kb.mspace'), '--save-state', join(dir, 's.mstate')]);
    expect(saved.out).toBe(run.out);
  });

  it('a fresh process reads the symbol table back, ASCII and other names alike', async () => {
    const { kb: names, prog: ask, both: namesAndAsk } = kbAndProgram(
      dir,
      'names',
      '(fresh-rel-9x ключ café)\n(fresh-rel-9x café 🙂-smile)\n(fresh-rel-9x 🙂-smile never-seen-before-ascii)\n(naïve x)\n',
      '!(match &self (fresh-rel-9x $a $b) ($a $b))\n!(match &self (fresh-rel-9x café $b) $b)\n!(match &self ($r x) $r)\n',
    );
    expect((await metta(['compile', names, '-o', join(dir, 'names.mspace')])).code).toBe(0);
    const fresh = spawnSync(process.execPath, [BIN, 'run', ask, '--space', join(dir, 'names.mspace')], { encoding: 'utf8' });
    const text = spawnSync(process.execPath, [BIN, namesAndAsk], { encoding: 'utf8' });
    expect(fresh.stderr).toBe('');
    expect(fresh.stdout).toBe(text.stdout);
    expect(fresh.stdout).toContain('(ключ café)');
    expect(fresh.stdout).toContain('[naïve]');
  });

  it('names the output after the KB by default', async () => {
    const r = await metta(['compile', kb]);
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'kb.mspace'))).toBe(true);
  });

  it('metta query reads a compiled KB as it reads the text', async () => {
    await metta(['compile', kb]);
    const fromText = await metta(['query', kb, pats, '--quiet', '--gpu', 'off']);
    const fromImage = await metta(['query', join(dir, 'kb.mspace'), pats, '--quiet', '--gpu', 'off']);
    expect(fromImage.code).toBe(0);
    expect(fromImage.out).toBe(fromText.out);
    expect(fromImage.err).toBe('');
  });

  it('writes nothing when the KB fails, and says so', async () => {
    const bad = join(dir, 'bad.metta');
    writeFileSync(bad, '(a b)\n(c d');
    const r = await metta(['compile', bad]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.metta:2:1: unbalanced parentheses.*\nmetta: .*bad\.metta did not run cleanly; .*bad\.mspace was not written\n$/);
    expect(existsSync(join(dir, 'bad.mspace'))).toBe(false);
    const stateful = join(dir, 'stateful.metta');
    writeFileSync(stateful, '!(let $s (new-space) (add-atom &self (holds $s)))\n');
    const s = await metta(['compile', stateful]);
    expect(s.code).toBe(2);
    expect(s.err).toContain('metta: cannot compile the space: it holds GroundingSpace-2 (SpaceAtom), a stateful value');
    const nowhere = await metta(['compile', kb, '-o', join(dir, 'no', 'such', 'k.mspace')]);
    expect(nowhere.code).toBe(2);
    expect(nowhere.err).toMatch(/^metta: cannot write .*k\.mspace: no such folder .*such\n$/);
  });

  it('refuses damaged, truncated, other-version, foreign and missing files with exit code 2', async () => {
    await metta(['compile', kb, '-o', join(dir, 'good.mspace')]);
    const good = readFileSync(join(dir, 'good.mspace'));
    const cases: [string, Uint8Array, RegExp][] = [];
    const flipped = Uint8Array.from(good);
    flipped[good.length - 20]! ^= 0x01;
    cases.push(['flipped', flipped, /checksum mismatch/]);
    cases.push(['truncated', good.subarray(0, good.length - 9), /truncated: the header announces/]);
    const other = Uint8Array.from(good);
    other[8] = 7;
    cases.push(['other', other, /format version 7; this build reads version 2 only: compile the knowledge base again/]);
    cases.push(['foreign', readFileSync(kb), /not a compiled MeTTa space \(bad magic bytes\)/]);
    for (const [name, bytes, message] of cases) {
      const file = join(dir, `${name}.mspace`);
      writeFileSync(file, bytes);
      for (const args of [['run', prog, '--space', file], ['query', file, pats, '--quiet']]) {
        const r = await metta(args);
        expect(r.code, `${name} ${args[0]}`).toBe(2);
        expect(r.out).toBe('');
        expect(r.err).toMatch(new RegExp(`^metta: cannot load compiled space .*${name}\\.mspace: not a usable compiled space \\(byte \\d+\\): ${message.source}.*\\n$`));
      }
    }
    const missing = await metta(['run', prog, '--space', join(dir, 'none.mspace')]);
    expect(missing).toMatchObject({ code: 2, out: '' });
    expect(missing.err).toMatch(/^metta: cannot read compiled space .*none\.mspace: no such file\n$/);
  });

  it('the installed command reports a damaged file in one line, exit code 2', () => {
    const file = join(dir, 'cut.mspace');
    writeFileSync(file, Uint8Array.of(0x89, 0x4d, 0x53, 0x50, 0x43, 0x0d, 0x0a, 0x1a));
    const r = spawnSync(process.execPath, [BIN, 'run', prog, '--space', file], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^metta: cannot load compiled space .*cut\.mspace: not a usable compiled space \(byte 8\): truncated: 8 bytes, shorter than the 32-byte header\n$/);
  });

  it('parses its arguments', () => {
    expect(parseArgs(['compile', 'k.metta'])).toEqual({ kind: 'compile', kb: 'k.metta', output: 'k.mspace', log: null, maxSteps: null });
    expect(parseArgs(['compile', 'k.txt', '--output', 'o.ms', '--max-steps', '5'])).toMatchObject({ output: 'o.ms', maxSteps: 5 });
    expect(parseArgs(['compile', '--help'])).toMatchObject({ kind: 'help' });
    expect(() => parseArgs(['compile'])).toThrow('expected one KB.metta, got no file');
    expect(() => parseArgs(['compile', 'a.metta', '-o', 'a.metta'])).toThrow("the output would overwrite the knowledge base 'a.metta'");
    expect(() => parseArgs(['p.metta', '--space', 'a.mspace', '--load-state', 's'])).toThrow('--space and --load-state both give the contents of &self: use one');
    expect(() => parseArgs(['repl', '--space', 'a.mspace'])).toThrow('not available in the REPL: --space');
    expect(parseArgs(['p.metta', '--space', 'a.mspace'])).toMatchObject({ kind: 'run', space: 'a.mspace' });
  });
});
