// The one place the CPU matchers read candidates from the live index (the plain matcher and the
// conjunction join both come here), so a different candidate entry point of src/space is a change
// of this function only.

import type { IndexedView } from '../space/index.js';
import { candidateIds } from '../space/index.js';

/**
 * Ids, ascending (insertion order), of the present atoms of `view` that may unify with the pattern
 * token string `P`: a superset the caller verifies.
 */
export function liveCandidates(view: IndexedView, P: ArrayLike<number>, out: number[] = []): ArrayLike<number> {
  // A new array per call unless the caller gives one: the conjunction join holds one conjunct's
  // candidates while it asks for the next's, so it keeps one array per conjunct.
  return candidateIds(view.index, P, view.store.liveness(), out) ?? view.store.liveIds();
}
