// MeTTa snippets of the reference's Rust unit tests (hyperon-experimental 0.2.10,
// lib/src/metta/runner/stdlib/*.rs: every `run_program("…")` with a MeTTa program), each run as a
// program of its own. rust-snippets.json holds, per snippet, where it is (`file:line`), the program
// and what the reference prints for it: its test's expected atoms (`expr!(…)`, `UNIT_ATOM`, …)
// written as our printer writes them, checked by hand against the Rust assertion (README.md). The
// ones this engine does not pass yet are listed below with the reason, and must still differ.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/api/index.js';

interface Snippet {
  readonly from: string;
  readonly program: string;
  readonly expected: readonly string[];
}

const SNIPPETS: readonly Snippet[] = JSON.parse(readFileSync(join(import.meta.dirname, 'rust-snippets.json'), 'utf8'));

const KNOWN_FAILURES: Readonly<Record<string, string>> = {};

/** Fresh variables renumbered by first appearance in the line: their numbers depend on what ran before in this process. */
function canonical(line: string): string {
  const seen = new Map<string, number>();
  return line.replace(/\$([^\s()#]+)#\d+/g, (fresh: string, stem: string) => {
    if (!seen.has(fresh)) seen.set(fresh, seen.size + 1);
    return `$${stem}#${seen.get(fresh)}`;
  });
}

async function printed(program: string): Promise<string[]> {
  const engine = new Engine({ keepGoing: true });
  try {
    return engine.load(program, 'snippet.metta').forms.map((f) => canonical(f.line));
  } finally {
    await engine.close();
  }
}

describe('hyperon-experimental 0.2.10 Rust tests: MeTTa snippets', () => {
  it('has the snippets and every known failure names one of them', () => {
    expect(SNIPPETS.length).toBeGreaterThan(150);
    const from = new Set(SNIPPETS.map((s) => s.from));
    for (const at of Object.keys(KNOWN_FAILURES)) expect(from.has(at), at).toBe(true);
  });

  it.each(SNIPPETS.map((s) => [s.from, s] as const))('%s', async (at, snippet) => {
    const got = await printed(snippet.program);
    const expected = snippet.expected.map(canonical);
    if (KNOWN_FAILURES[at] !== undefined) expect(got, `${at} is listed as failing (${KNOWN_FAILURES[at]}) but passes: remove it from KNOWN_FAILURES`).not.toEqual(expected);
    else expect(got, snippet.program).toEqual(expected);
  });
});
