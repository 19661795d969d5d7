// The reference matcher: unify the pattern with every present atom, in insertion order, using the
// atom-level unifier. Slow by design; the trie matcher is tested and benchmarked against it.

import type { Atom } from '../core/index.js';
import { Bindings, sameSpaceValue, unify } from '../core/index.js';
import { variablesOf } from '../core/index.js';
import { renameApart } from '../core/index.js';
import type { AtomSpace } from '../space/index.js';
import type { MatchHit } from './trie-match.js';

export function naiveMatch(space: AtomSpace, pattern: Atom): MatchHit[] {
  const names = variablesOf(pattern).map((v) => v.name);
  const hits: MatchHit[] = [];
  for (const id of space.ids()) {
    const stored = renameApart(space.atom(id));
    const bindings = new Bindings();
    // Grounded values compared as the space compares them (by intern key): the oracle of the space's matchers.
    if (!unify(pattern, stored, bindings, sameSpaceValue)) continue;
    const map = new Map<string, Atom>();
    for (const name of names) {
      const value = bindings.lookup(name);
      if (value !== undefined) map.set(name, bindings.resolve(value));
    }
    hits.push({ atomId: id, bindings: new Bindings(map) });
  }
  return hits;
}
