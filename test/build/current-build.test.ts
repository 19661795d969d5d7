// The code that worker threads, the GPU thread and CLI subprocesses run (dist/) is the current
// source: the global setup rebuilt it before this test ran (test/global-setup.ts). Checked two
// ways: every source has a compiled file no older than itself and no compiled file outlives its
// source; and, in a copy of the package, a change to a worker's source reaches the compiled
// worker through the same build step, and a deleted module leaves no compiled file behind. The
// bundle (dist/bundle, what bin/metta.js runs) is rebuilt by the same step, and the command's
// threads run the bundle's entries.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCurrent, orphans } from '../../scripts/build-current.mjs';
import { BUNDLE_ENTRIES } from '../../scripts/bundle.mjs';

const root = process.cwd();

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

describe('dist/ is built from the current sources', () => {
  it('every source under src/ and bench/ has a compiled file at least as new, and no compiled file lacks a source', () => {
    const files = [...sources(join(root, 'src')), ...sources(join(root, 'bench'))];
    expect(files.length).toBeGreaterThan(50);
    for (const source of files) {
      const compiled = join(root, 'dist', relative(root, source)).replace(/\.ts$/, '.js');
      expect(existsSync(compiled), compiled).toBe(true);
      expect(statSync(compiled).mtimeMs, compiled).toBeGreaterThanOrEqual(statSync(source).mtimeMs);
    }
    expect(orphans(root)).toEqual([]);
    // The bundle is written after every compiled file.
    let newestCompiled = 0;
    for (const source of files) newestCompiled = Math.max(newestCompiled, statSync(join(root, 'dist', relative(root, source)).replace(/\.ts$/, '.js')).mtimeMs);
    for (const entry of BUNDLE_ENTRIES) {
      const bundled = join(root, 'dist', 'bundle', entry);
      expect(existsSync(bundled), bundled).toBe(true);
      expect(statSync(bundled).mtimeMs, bundled).toBeGreaterThanOrEqual(newestCompiled);
    }
  });

  it('a change to a worker source reaches its compiled file through the build step; a removed module leaves nothing behind', () => {
    const copy = mkdtempSync(join(tmpdir(), 'metta-build-'));
    try {
      for (const entry of ['src', 'bench', 'scripts', 'dist', 'bin', 'shaders', 'package.json', 'tsconfig.json', 'tsconfig.build.json']) cpSync(join(root, entry), join(copy, entry), { recursive: true });
      symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
      const worker = join(copy, 'src/runner/pool-worker.ts');
      const marker = `stale-build-probe-${Date.now()}`;
      writeFileSync(worker, readFileSync(worker, 'utf8') + `\nexport const staleBuildProbe = '${marker}';\n`);
      const extra = join(copy, 'src/core/orphan-probe.ts');
      writeFileSync(extra, 'export const orphanProbe = 1;\n');
      buildCurrent(copy);
      expect(readFileSync(join(copy, 'dist/src/runner/pool-worker.js'), 'utf8')).toContain(marker);
      expect(readFileSync(join(copy, 'dist/bundle/runner/pool-worker.js'), 'utf8')).toContain(marker);
      // The command runs the bundle, whose pool threads start from the bundle too: without tsc's
      // compiled pool entry, a pool still starts (no "not built" warning) and prints the same.
      const compiledWorker = join(copy, 'dist/src/runner/pool-worker.js');
      const compiledText = readFileSync(compiledWorker, 'utf8');
      rmSync(compiledWorker);
      const program = join(copy, 'forms.metta');
      writeFileSync(program, '(= (fib $n) (if (< $n 2) $n (+ (fib (- $n 1)) (fib (- $n 2)))))\n' + Array.from({ length: 80 }, (_, i) => `!(fib ${8 + (i % 4)})`).join('\n') + '\n');
      const run = spawnSync(process.execPath, [join(copy, 'bin/metta.js'), program, '--workers', '2'], { encoding: 'utf8', timeout: 60_000 });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout.split('\n').filter((l) => l !== '')).toHaveLength(80);
      writeFileSync(compiledWorker, compiledText);
      expect(existsSync(join(copy, 'dist/src/core/orphan-probe.js'))).toBe(true);
      rmSync(extra);
      expect(buildCurrent(copy).map((p) => relative(copy, p)).sort()).toEqual(
        ['dist/src/core/orphan-probe.d.ts', 'dist/src/core/orphan-probe.js', 'dist/src/core/orphan-probe.js.map'].sort(),
      );
      expect(existsSync(join(copy, 'dist/src/core/orphan-probe.js'))).toBe(false);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
