// Atoms as MeTTa prints them (SPEC §2). Iterative: printing a 100,000-element list must not
// exhaust the JavaScript stack.

import { type Atom, AtomKind } from './atoms.js';

export function formatAtom(atom: Atom): string {
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
        parts.push('$', a.name);
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

/** One `!` result line: `[r1, r2, ...]`. */
export function formatResults(results: readonly Atom[]): string {
  return '[' + results.map(formatAtom).join(', ') + ']';
}
