// `metta FILE --save-state OUT` then `metta FILE2 --load-state OUT` prints what the two files
// concatenated print; a damaged state file is refused with exit code 2 and a message.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

async function metta(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('metta --save-state / --load-state', () => {
  const dir = mkdtempSync(join(tmpdir(), 'metta-state-'));
  const a = join(dir, 'a.metta');
  const b = join(dir, 'b.metta');
  const ab = join(dir, 'ab.metta');
  const saved = join(dir, 'a.mstate');
  const partA = '(= (twice $x) (* 2 $x))\n!(bind! &kb (new-space))\n!(add-atom &kb (edge 1 2))\n!(bind! &n (new-state 20))\n!(println! "part A")\n';
  const partB = '!(twice (get-state &n))\n!(match &kb (edge $a $b) ($b $a))\n! &kb\n!(change-state! &n 1)\n';
  writeFileSync(a, partA);
  writeFileSync(b, partB);
  writeFileSync(ab, partA + partB);

  it('continues a saved state as if the files were one', async () => {
    const first = await metta(['run', a, '--save-state', saved]);
    expect(first).toMatchObject({ code: 0, err: '' });
    const second = await metta([b, '--load-state', saved, '--save-state', saved]);
    const whole = await metta([ab]);
    expect(second.code).toBe(0);
    expect(first.out + second.out).toBe(whole.out);
    expect(second.out).toBe('[40]\n[(2 1)]\n[GroundingSpace-2]\n[(State 1)]\n');
    // The state saved after the second run holds the change made there.
    const third = await metta([b, '--load-state', saved]);
    expect(third.out.split('\n')[0]).toBe('[2]');
  });

  it('refuses a damaged or missing state file with exit code 2', async () => {
    await metta([a, '--save-state', saved]);
    const bytes = readFileSync(saved);
    bytes[bytes.length - 10]! ^= 0xff;
    const damaged = join(dir, 'damaged.mstate');
    writeFileSync(damaged, bytes);
    const r = await metta([b, '--load-state', damaged]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^metta: cannot load state .*damaged\.mstate: invalid MeTTa state at byte \d+: checksum mismatch/);
    const missing = await metta([b, '--load-state', join(dir, 'none.mstate')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read state .*: no such file/);
  });

  it('reports a state that cannot be saved (an open file) without losing the output', async () => {
    const f = join(dir, 'f.metta');
    writeFileSync(f, '!(import! &self fileio)\n!(bind! &h (file-open! "a.metta" "r"))\n!(+ 1 2)\n');
    const r = await metta([f, '--save-state', join(dir, 'f.mstate')]);
    expect(r.out).toBe('[()]\n[()]\n[3]\n');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot save state .*f\.mstate: cannot serialize the MeTTa state: the file handle \(FileHandle "a\.metta"\)/);
  });
});
