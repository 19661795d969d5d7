// Element-by-element comparison of GPU and CPU match results. Both sides create fresh variables
// for unbound stored variables in the same order within a hit, so after renumbering the fresh
// suffixes (`$x#123` → `$x#1`, per hit, by first appearance) the printed hits must be identical:
// same atom ids in the same order, same bound variables in the same order, same values.

import { formatAtom } from '../../src/core/printer.js';
import type { MatchHit } from '../../src/cpu/index.js';

export function canonicalHit(hit: MatchHit): string {
  const body = [...hit.bindings.entries()].map(([k, v]) => `$${k}=${formatAtom(v)}`).join(' ');
  const seen = new Map<string, number>();
  return `#${hit.atomId} {${body.replace(/#\d+/g, (m) => {
    let n = seen.get(m);
    if (n === undefined) seen.set(m, (n = seen.size + 1));
    return `#${n}`;
  })}}`;
}

/** Throws with both listings unless the two result lists are the same element for element. */
export function expectSameHits(gpu: readonly (readonly MatchHit[])[], cpu: readonly (readonly MatchHit[])[], context: () => string): void {
  if (gpu.length !== cpu.length) throw new Error(`GPU returned ${gpu.length} result lists, CPU ${cpu.length}\n${context()}`);
  for (let p = 0; p < cpu.length; p++) {
    const g = gpu[p]!.map(canonicalHit);
    const c = cpu[p]!.map(canonicalHit);
    if (g.length !== c.length || g.some((s, i) => s !== c[i])) {
      throw new Error(`pattern ${p}: GPU and CPU differ\n GPU: ${g.join('; ')}\n CPU: ${c.join('; ')}\n${context()}`);
    }
  }
}
