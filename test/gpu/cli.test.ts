// End to end: `metta run --gpu on FILE` evaluates in lockstep batches whose space queries (the
// forms' matches, their branches' rule lookups) the GPU answers, one dispatch per step, and prints
// exactly what `--gpu off` prints; `--gpu off` never opens a device. Runs the compiled command (bin/metta.js → dist/), as users do.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gpuAdapterOutOfProcess, noGpu } from './helpers.js';

let adapter: string | null = null;
beforeAll(async () => {
  adapter = gpuAdapterOutOfProcess(); // the command opens its own device
  if (!existsSync('dist/src/gpu/thread.js')) throw new Error('dist/ is not built: run npm run build (npm ci does it)');
});

/**
 * Runs the command. `--workers 1` on both sides: a `--gpu on` run evaluates on its main thread
 * anyway, and the comparison should not depend on the parallel runner's pool.
 */
function metta(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['bin/metta.js', 'run', '--workers', '1', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function kbProgram(): string {
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) lines.push(`(edge n${i % 37} n${(i * 11) % 41})`);
  lines.push('(edge $any n0)', '(likes $who (cake $who))');
  for (let i = 0; i < 30; i++) lines.push(i % 2 ? `!(match &self (edge n${i} $y) $y)` : `!(match &self (edge $x n${i}) ($x to n${i}))`);
  lines.push('!(match &self (likes Ann $what) $what)', '!(match &self (, (edge n1 $m) (edge $m n2)) $m)');
  lines.push('(edge n1 n2)', '!(match &self (edge n1 $y) $y)', '!(add-atom &self (edge n1 n3))', '!(match &self (edge n1 $y) $y)', '!(match &self (nothing $x) $x)');
  return lines.join('\n') + '\n';
}

describe('metta run --gpu on|off', () => {
  it('prints byte-identical output, with the matches batched on the GPU', (ctx) => {
    if (adapter === null) return noGpu(ctx);
    const file = join(mkdtempSync(join(tmpdir(), 'metta-gpu-')), 'kb.metta');
    writeFileSync(file, kbProgram());
    for (const program of ['examples/kb.metta', file]) {
      const on = metta(['--gpu', 'on', '--log', 'debug', program]);
      const off = metta(['--gpu', 'off', '--log', 'debug', program]);
      expect(on.code).toBe(0);
      expect(off.code).toBe(0);
      expect(on.out).toBe(off.out);
      expect(on.out.length).toBeGreaterThan(0);
      expect(on.err).toContain('GPU adapter:');
      expect(on.err).toMatch(/gpu batch: \d+ patterns/);
      expect(off.err).not.toMatch(/GPU adapter|gpu batch|gpu:/);
    }
    // The generated program: every query on the GPU; the 30 + 2 matches before the add-atom in one
    // step (the conjunction is joined on the CPU), then their results' rule lookups in one more.
    const on = metta(['--gpu', 'on', '--log', 'info', file]);
    const summary = /batched evaluation: .* (\d+) query batch\(es\), (\d+) queries \(35 matches, (\d+) rule lookups\), largest (\d+); (\d+) answered on the GPU/.exec(on.err);
    expect(summary, on.err).not.toBeNull();
    const [, , queries, rules, largest, onGpu] = summary!.map(Number);
    expect(onGpu).toBe(queries);
    expect(rules).toBeGreaterThan(100);
    expect(largest).toBeGreaterThanOrEqual(rules! / 2);
    expect(on.err).toMatch(/1 writer\(s\) run sequentially/);
  });
});
