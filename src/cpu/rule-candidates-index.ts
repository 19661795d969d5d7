// Rule candidates from the live index: the rules `(= (f a1 .. ak) body)` are the atoms filed under
// (=, 3 children, argument 1, signature "expression of k+1 children headed f"), plus those whose
// left side has a variable head (signature SIG_OPEN) or is a variable, plus stored `($f _ _)` and
// bare `$x`. The lists are made on first use (empty), so a later rule for that head lands in one
// of them and the change stamp (their appends) sees it; a fact or another head's rule does not.

import type { AtomIndex } from '../space/index.js';
import { SIG_NONE, SIG_OPEN } from '../space/index.js';
import { EQUALS_TOKEN } from './rule-token.js';

/** The disjoint lists holding every rule that may apply to a call of `headToken` (-1: not atomic) and `arity` children. */
export function indexRuleLists(index: AtomIndex, headToken: number, arity: number): number[] {
  const rules = index.group(EQUALS_TOKEN(), 3, true);
  const lists: number[] = [index.bareVars, index.varHeadList(3, true)];
  if (arity === 0) lists.push(index.exprArgList(rules, 1, 0, SIG_NONE, true), index.varsList(rules, 1, true));
  else if (headToken >= 0) lists.push(index.exprArgList(rules, 1, arity, headToken, true), index.exprArgList(rules, 1, arity, SIG_OPEN, true), index.varsList(rules, 1, true));
  else lists.push(index.allList(rules)); // a call with a variable or expression head: every rule, checked one by one
  return lists;
}

/** Changes whenever an id is appended to one of `lists` of `index` (removals are seen through liveness). */
export function listsStamp(index: AtomIndex, lists: readonly number[]): number {
  let stamp = 0;
  for (const l of lists) stamp += index.lists.appended(l);
  return stamp;
}
