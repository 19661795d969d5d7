// `metta query --gpu on` prints byte for byte what `--gpu off` prints (the patterns of
// test/cli/query.test.ts), each batch answered on the GPU. Runs the compiled command.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { closeGpu } from '../../src/gpu/index.js';
import { kbText, patternText } from '../cli/query-fixtures.js';
import { gpuAdapter, noGpu } from './helpers.js';

let adapter: string | null = null;
beforeAll(async () => {
  adapter = await gpuAdapter();
  await closeGpu(); // this process needs no device: the command opens its own
  if (!existsSync('dist/src/cli/query.js')) throw new Error('dist/ is not built: run npm run build (npm ci does it)');
});

function metta(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['bin/metta.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('metta query --gpu on|off', () => {
  it('prints byte-identical output, every batch answered on the GPU', (ctx) => {
    if (adapter === null) return noGpu(ctx);
    const dir = mkdtempSync(join(tmpdir(), 'metta-query-gpu-'));
    const kb = join(dir, 'kb.metta');
    const patterns = join(dir, 'patterns.metta');
    writeFileSync(kb, kbText());
    writeFileSync(patterns, patternText());
    const off = metta(['query', kb, patterns, '--gpu', 'off']);
    expect(off.code).toBe(0);
    for (const args of [['--gpu', 'on'], ['--gpu', 'on', '--batch', '37'], ['--gpu', 'on', '--format', 'jsonl']]) {
      const on = metta(['query', kb, patterns, ...args]);
      expect(on.code, args.join(' ')).toBe(0);
      if (args.includes('jsonl')) {
        const lines = on.out.trimEnd().split('\n').map((l) => '[' + (JSON.parse(l) as { results: string[] }).results.join(', ') + ']');
        expect(lines.join('\n') + '\n').toBe(off.out);
      } else expect(on.out, args.join(' ')).toBe(off.out);
    }
    const logged = metta(['query', kb, patterns, '--gpu', 'on', '--batch', '100', '--log', 'info']);
    expect(logged.out).toBe(off.out);
    expect(logged.err).toMatch(/query: 400 patterns in 4 batch\(es\); 4 on the GPU, 0 on the CPU/);
  });
});
