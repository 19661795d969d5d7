// Shared by the runner-state tests: split a program at top-level item boundaries, run it in one
// Program for reference, and compare outputs modulo process-local numbering.

import { Parser } from '../../src/core/parser.js';
import { Program } from '../../src/runner/index.js';

/** Offsets (UTF-16) where each top-level item of `text` starts. Stops at a syntax error. */
export function itemOffsets(text: string): number[] {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const parser = new Parser(text, '<split>');
  const out: number[] = [];
  for (;;) {
    let item;
    try {
      item = parser.next();
    } catch {
      return out;
    }
    if (item === null) return out;
    let offset = lineStarts[item.position.line - 1]!;
    for (let c = 1; c < item.position.column; c++) offset += text.codePointAt(offset)! > 0xffff ? 2 : 1;
    out.push(offset);
  }
}

/**
 * The two halves of `text` split at `offset`; the second keeps its positions by starting with the
 * first half blanked out (every code point but newlines turned into a space).
 */
export function splitText(text: string, offset: number): [string, string] {
  const a = text.slice(0, offset);
  return [a, a.replace(/[^\n]/gu, ' ') + text.slice(offset)];
}

export interface Captured {
  readonly out: string;
  readonly err: string;
  readonly exitCode: number;
}

/** Runs `text` in one Program with --keep-going semantics. */
export function runWhole(text: string, file: string, currentDir: string): Captured {
  let out = '';
  let err = '';
  const program = new Program({ stdout: (t) => (out += t), stderr: (t) => (err += t), currentDir });
  const { exitCode } = program.run(text, file, {
    keepGoing: true,
    writeOut: (line) => (out += line + '\n'),
    writeErr: (line) => (err += line + '\n'),
  });
  return { out, err, exitCode };
}

/**
 * Output with fresh-variable suffixes (`$x#N`) renumbered in order of first appearance: they come
 * from a process-wide counter, so two runs in one process print different numbers for the same
 * program. Space numbers (`GroundingSpace-N`) are per environment and saved with the state, so
 * they are compared as they are.
 */
export function normalize(text: string): string {
  const fresh = new Map<string, number>();
  return text.replace(/#(\d+)/g, (_m, n: string) => {
    if (!fresh.has(n)) fresh.set(n, fresh.size + 1);
    return `#${fresh.get(n)}`;
  });
}
