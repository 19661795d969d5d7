// Element-by-element comparison of two matchers' results (the GPU's against the CPU trie
// matcher's), used by the GPU tests and by the real-GPU check (gpu-check.ts). Fresh variables
// (`$x#123`, made for unbound stored variables) come from a process-wide counter, so two runs get
// different numbers; each raw number is replaced by its rank among the numbers of the pattern's
// whole result list. That keeps what must agree — which hits share a fresh variable and the order
// in which they were created (the CLI prints them) — and drops only the offset.

import { type Atom, AtomKind, formatAtom } from '../core/index.js';
import type { MatchHit } from '../cpu/index.js';

/** Like formatAtom, but variables keep their raw names (formatAtom renumbers fresh ones). */
function raw(atom: Atom): string {
  if (atom.kind === AtomKind.Variable) return `$${atom.name}`;
  if (atom.kind === AtomKind.Expression) return `(${atom.children.map(raw).join(' ')})`;
  return formatAtom(atom);
}

/** One line per hit: the atom id and the bindings, fresh variables numbered by rank. */
export function canonicalHits(hits: readonly MatchHit[]): string[] {
  const printed = hits.map((hit) => `#${hit.atomId} {${[...hit.bindings.entries()].map(([k, v]) => `$${k}=${raw(v)}`).join(' ')}}`);
  const numbers = new Set<number>();
  for (const s of printed) for (const m of s.matchAll(/(?<!^)#(\d+)/g)) numbers.add(Number(m[1]));
  const rank = new Map([...numbers].sort((a, b) => a - b).map((n, i) => [n, i + 1]));
  return printed.map((s) => s.replace(/(?<!^)#(\d+)/g, (_, n: string) => `#f${rank.get(Number(n))}`));
}

/** The first pattern whose result lists differ, with both listings; null when all agree. */
export function firstDifference(gpu: readonly (readonly MatchHit[])[], cpu: readonly (readonly MatchHit[])[]): string | null {
  if (gpu.length !== cpu.length) return `GPU returned ${gpu.length} result lists, CPU ${cpu.length}`;
  for (let p = 0; p < cpu.length; p++) {
    const g = canonicalHits(gpu[p]!);
    const c = canonicalHits(cpu[p]!);
    if (g.length !== c.length || g.some((s, i) => s !== c[i])) return `pattern ${p}: GPU and CPU differ\n GPU: ${g.join('; ')}\n CPU: ${c.join('; ')}`;
  }
  return null;
}

/** Throws with both listings unless the two result lists are the same element for element. */
export function expectSameHits(gpu: readonly (readonly MatchHit[])[], cpu: readonly (readonly MatchHit[])[], context: () => string): void {
  const difference = firstDifference(gpu, cpu);
  if (difference !== null) throw new Error(`${difference}\n${context()}`);
}
