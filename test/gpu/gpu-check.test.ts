// The real-GPU check (src/bench/gpu-check.ts, bench/gpu-check.sh), run here on this machine's
// adapter (lavapipe in CI): its differential passes and is recorded in the JSON, a corrupted GPU
// answer makes it fail, and the carrying script refuses a missing bundle with a clear message.
// The full rehearsal (`bash bench/gpu-check.sh rehearse`: downloads Node, packs 42 MiB) is not a
// test; docs/gpu.md "The real-GPU check" says when to run it. Runs the compiled check.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GpuCheckReport } from '../../src/bench/gpu-check.js';
import type { ScenarioOutcome } from '../../src/bench/gpu-differential.js';
import { gpuAdapterOutOfProcess, noGpu } from './helpers.js';

let adapter: string | null = null;
beforeAll(() => {
  adapter = gpuAdapterOutOfProcess(); // the check opens its own device
  if (!existsSync('dist/src/bench/gpu-check.js')) throw new Error('dist/ is not built: run npm run build (npm ci does it)');
});

function check(args: string[]): { code: number | null; out: string; report: GpuCheckReport } {
  const out = mkdtempSync(join(tmpdir(), 'gpu-check-'));
  const r = spawnSync(process.execPath, ['dist/src/bench/gpu-check.js', '--quick', '--out', out, ...args], { encoding: 'utf8', timeout: 120_000 });
  const report = JSON.parse(readFileSync(join(out, 'gpu-check.json'), 'utf8')) as GpuCheckReport;
  return { code: r.status, out: r.stdout + r.stderr, report };
}

describe('gpu-check', () => {
  it('prints the adapter and runs the differential: GPU = CPU, recorded per scenario', (ctx) => {
    if (adapter === null) return noGpu(ctx);
    const { code, out, report } = check(['--stages', 'adapter,differential', '--scenarios', 'frozen,small-limits,limits,kb']);
    expect(code, out).toBe(0);
    expect(report.ok).toBe(true);
    const a = report.stages.adapter!.result as { name: string; adapter: { limits: Record<string, number>; features: string[] } };
    expect(a.name).toBe(adapter);
    expect(a.adapter.limits['maxStorageBufferBindingSize']).toBeGreaterThan(0);
    const scenarios = report.stages.differential!.result as ScenarioOutcome[];
    expect(scenarios.map((s) => s.scenario)).toEqual(['frozen', 'small-limits', 'limits', 'kb']);
    for (const s of scenarios) {
      expect(s.failures, s.firstFailures.join('\n')).toBe(0);
      expect(s.gpuPatterns, s.scenario).toBeGreaterThan(0);
    }
    // The limits scenario exercises the kernel's fallbacks; small limits, the output fallback.
    expect(scenarios.find((s) => s.scenario === 'limits')!.cpuFallbackPatterns).toBeGreaterThan(0);
    expect(scenarios.find((s) => s.scenario === 'small-limits')!.cpuFallbackPatterns).toBeGreaterThan(0);
    expect(out).toMatch(/differential kb: 2 cases, 4000 patterns \(4000 on the kernel/);
  });

  it('fails, with the case to replay, when the GPU answer is wrong', (ctx) => {
    if (adapter === null) return noGpu(ctx);
    const { code, report } = check(['--stages', 'differential', '--scenarios', 'frozen', '--inject-mismatch']);
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    const [frozen] = report.stages.differential!.result as ScenarioOutcome[];
    expect(frozen!.failures).toBe(1);
    expect(frozen!.firstFailures[0]).toMatch(/^frozen case \d+ \(seed 20261204\)/);
    expect(frozen!.firstFailures[0]).toMatch(/GPU and CPU differ/);
  });

  it('skips what would start after the time budget, and says so', (ctx) => {
    if (adapter === null) return noGpu(ctx);
    const { code, report } = check(['--stages', 'differential,cli', '--scenarios', 'kb', '--budget-s', '1']);
    expect(code).toBe(0);
    expect(report.stages.cli).toEqual({ ok: true, ms: 0, skipped: 'time budget spent' });
  });
});

describe('bench/gpu-check.sh', () => {
  it('is valid bash, and refuses to run without a bundle', () => {
    expect(spawnSync('bash', ['-n', 'bench/gpu-check.sh']).status).toBe(0);
    const missing = join(mkdtempSync(join(tmpdir(), 'gpu-check-')), 'none');
    const r = spawnSync('bash', ['bench/gpu-check.sh', 'run', '--bundle', missing], { encoding: 'utf8' });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain(`gpu-check: no bundle at ${missing} (bash bench/gpu-check.sh pack, then carry it)`);
    const unknown = spawnSync('bash', ['bench/gpu-check.sh', 'launch'], { encoding: 'utf8' });
    expect(unknown.status).toBe(3);
    expect(unknown.stderr).toMatch(/usage: bash bench\/gpu-check.sh pack\|run\|rehearse/);
  });
});
