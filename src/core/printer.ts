// Atoms as MeTTa prints them (SPEC §2). Iterative: printing a 100,000-element list must not
// exhaust the JavaScript stack.

import { type Atom, AtomKind } from './atoms.js';

/**
 * Print names of fresh variables. Renaming apart makes `$x#N` with a process-wide counter, whose
 * value depends on everything evaluated before (and differs between threads); printing numbers
 * them again by first appearance instead, so the same program prints the same text whether its
 * `!` forms ran in sequence, on worker threads or after a restored state.
 */
export class FreshNumbering {
  private readonly names = new Map<string, string>();

  nameOf(variableName: string): string {
    const hash = variableName.indexOf('#');
    if (hash < 0) return variableName;
    let printed = this.names.get(variableName);
    if (printed === undefined) {
      printed = `${variableName.slice(0, hash)}#${this.names.size + 1}`;
      this.names.set(variableName, printed);
    }
    return printed;
  }
}

export function formatAtom(atom: Atom): string {
  return formatAtomNumbered(atom, undefined);
}

/** `formatAtom` with fresh variables named by a numbering shared with other atoms. */
export function formatAtomNumbered(atom: Atom, numbering: FreshNumbering | undefined): string {
  const parts: string[] = [];
  // A stack of atoms still to print; `null` closes an expression.
  const stack: (Atom | null)[] = [atom];
  let needSpace = false;
  while (stack.length > 0) {
    const a = stack.pop()!;
    if (a === null) {
      parts.push(')');
      needSpace = true;
      continue;
    }
    if (needSpace) parts.push(' ');
    switch (a.kind) {
      case AtomKind.Symbol:
        parts.push(a.name);
        needSpace = true;
        break;
      case AtomKind.Variable:
        if (a.name.includes('#')) parts.push('$', (numbering ??= new FreshNumbering()).nameOf(a.name));
        else parts.push('$', a.name);
        needSpace = true;
        break;
      case AtomKind.Grounded:
        parts.push(a.print());
        needSpace = true;
        break;
      case AtomKind.Expression:
        parts.push('(');
        stack.push(null);
        for (let i = a.children.length - 1; i >= 0; i--) stack.push(a.children[i]!);
        needSpace = false;
        break;
    }
  }
  return parts.join('');
}

/** One `!` result line: `[r1, r2, ...]`; a fresh variable keeps one printed name across the line. */
export function formatResults(results: readonly Atom[]): string {
  const numbering = new FreshNumbering();
  return '[' + results.map((r) => formatAtomNumbered(r, numbering)).join(', ') + ']';
}
