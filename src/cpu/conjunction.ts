// Conjunctive queries `(, p1 p2 ...)`: a nested-loop join in pattern order, so results come out
// in lexicographic order of the matched atoms' insertion ids (first pattern varies slowest).

import type { Atom } from '../core/index.js';
import { Bindings } from '../core/index.js';
import type { MatchHit } from './trie-match.js';

export function matchConjunction(
  matchOne: (pattern: Atom) => readonly MatchHit[],
  patterns: readonly Atom[],
  initial: Bindings = new Bindings(),
): Bindings[] {
  let results: Bindings[] = [initial];
  for (const pattern of patterns) {
    const next: Bindings[] = [];
    for (const before of results) {
      for (const hit of matchOne(before.resolve(pattern))) {
        const merged = before.merge(hit.bindings);
        if (merged !== null) next.push(merged);
      }
    }
    results = next;
    if (results.length === 0) break;
  }
  return results;
}
