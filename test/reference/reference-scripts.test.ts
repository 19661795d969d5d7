// The reference's own MeTTa test scripts (README.md): every top-level assertion passes, except
// those known-failures.ts lists with a reason, which must still fail.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/api/index.js';
import { KNOWN_FAILURES } from './known-failures.js';

const DIR = join(import.meta.dirname, 'hyperon-0.2.10');
/** Modules the scripts import (`f1_imports`, `c2_spaces`): not scripts of their own. */
const MODULES = /^(f1_module[A-Z]|c2_spaces_kb)\.metta$/;
const SCRIPTS = readdirSync(DIR).filter((f) => f.endsWith('.metta') && !MODULES.test(f)).sort();

/** `script:line` of each top-level assertion and whether it passed (printed `[()]`). */
async function assertions(script: string): Promise<Map<string, boolean>> {
  const text = readFileSync(join(DIR, script), 'utf8');
  const lines = text.split('\n');
  const engine = new Engine({ keepGoing: true, currentDir: DIR });
  try {
    const result = engine.load(text, script);
    const out = new Map<string, boolean>();
    for (const form of result.forms) {
      const source = lines[form.position.line - 1]!.slice(form.position.column - 1);
      if (/^!\s*\(\s*assert/.test(source)) out.set(`${script}:${form.position.line}`, form.line === '[()]');
    }
    return out;
  } finally {
    await engine.close();
  }
}

describe('hyperon-experimental 0.2.10 test scripts', () => {
  const seen = new Set<string>();

  it.each(SCRIPTS)('%s', async (script) => {
    const results = await assertions(script);
    expect(results.size, 'assertions found').toBeGreaterThan(0);
    const failing = [...results].filter(([, passed]) => !passed).map(([at]) => at);
    const known = Object.keys(KNOWN_FAILURES).filter((at) => at.startsWith(script + ':'));
    for (const at of results.keys()) seen.add(at);
    // Both ways: a new failure is a regression; a known one that passes now must leave the list.
    expect(failing).toEqual(known);
  });

  it('lists each known failure with a reason, at an assertion, and in docs/semantics.md', () => {
    const semantics = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'semantics.md'), 'utf8');
    for (const [at, reason] of Object.entries(KNOWN_FAILURES)) {
      expect(reason.length, at).toBeGreaterThan(10);
      expect(seen.has(at), `${at} is an assertion of a script`).toBe(true);
      expect(semantics, `${at} in docs/semantics.md`).toContain(`\`${at}\``);
    }
  });
});
