// The layering check of `npm test` (npm run lint:deps, .dependency-cruiser.cjs) is not vacuous:
// on a small tree that breaks each kind of rule it reports each break, and the real tree passes.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = process.cwd();
const depcruise = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

function cruise(dir: string): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [depcruise, 'src', 'bench', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('the layering check', () => {
  it('reports a lower layer importing a higher one, a folder reached past its index.ts, bench/ past the library entry, and a cycle', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metta-layers-'));
    try {
      cpSync(join(root, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
      cpSync(join(root, 'tsconfig.json'), join(dir, 'tsconfig.json'));
      const file = (path: string, text: string): void => {
        mkdirSync(join(dir, path, '..'), { recursive: true });
        writeFileSync(join(dir, path), text);
      };
      file('src/index.ts', "export * from './core/index.js';\n");
      file('src/core/index.ts', "export { up } from './up.js';\n");
      file('src/core/up.ts', "import { main } from '../cli/index.js';\nexport const up = main;\n");
      file('src/cli/index.ts', "export const main = 1;\n");
      file('src/space/index.ts', "import { up } from '../core/up.js';\nexport const s = up;\n");
      file('src/eval/a.ts', "import { b } from './b.js';\nexport const a = () => b;\n");
      file('src/eval/b.ts', "import { a } from './a.js';\nexport const b = () => a;\n");
      file('src/eval/index.ts', "export { a } from './a.js';\n");
      file('bench/x.ts', "import { s } from '../src/space/index.js';\nexport const x = s;\n");
      const { code, out } = cruise(dir);
      expect(code).not.toBe(0);
      expect(out).toMatch(/layer-core: src\/core\/up\.ts → src\/cli\/index\.ts/);
      expect(out).toMatch(/through-index: src\/space\/index\.ts → src\/core\/up\.ts/);
      expect(out).toMatch(/bench-through-library-entry: bench\/x\.ts → src\/space\/index\.ts/);
      expect(out).toMatch(/no-circular: src\/eval\/(a|b)\.ts/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('passes on this tree', () => {
    const { code, out } = cruise(root);
    expect(out).not.toMatch(/error/);
    expect(code).toBe(0);
  });
});
