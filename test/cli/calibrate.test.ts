// `metta calibrate` measures and saves the cost model that `metta query` then schedules with.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCostModel } from '../../src/scheduler/cost-model.js';

function metta(args: string[], env: Record<string, string>): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['bin/metta.js', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('metta calibrate', () => {
  it('writes a cost model for the CPU and the pool, which metta query then uses', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metta-calibrate-'));
    const file = join(dir, 'calibration.json');
    const r = metta(['calibrate', '--gpu', 'off', '--workers', '2', '--facts', '2000'], { METTA_CALIBRATION: file });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^cpu +64: .* ms per batch \+ .* µs per pattern$/m);
    expect(r.out).toMatch(/^pool +64: /m);
    const model = parseCostModel(readFileSync(file, 'utf8'));
    expect(model?.paths.cpu).toBeDefined();
    expect(model?.paths.pool).toBeDefined();
    expect(model?.paths.gpu).toBeUndefined();

    writeFileSync(join(dir, 'kb.metta'), Array.from({ length: 50 }, (_, i) => `(edge n${i % 7} n${i % 5})`).join('\n'));
    writeFileSync(join(dir, 'p.metta'), '(edge n1 $y)\n(edge $x n2)\n');
    const q = metta(['query', join(dir, 'kb.metta'), join(dir, 'p.metta'), '--log', 'info'], { METTA_CALIBRATION: file });
    expect(q.code).toBe(0);
    expect(q.out.split('\n').length).toBe(3);
    expect(q.err).toMatch(/scheduler over cpu \(calibrated 20\d\d-/);
    expect(q.err).toMatch(/scheduler: cpu: 1 batch\(es\), 2 patterns, predicted [\d.]+ ms, measured [\d.]+ ms/);
  });

  it('rejects bad arguments with a usage error', () => {
    const r = metta(['calibrate', '--workers', 'zero'], {});
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--workers expects a positive integer, got 'zero'/);
  });
});
