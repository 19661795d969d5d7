// Rule candidates from the live index: the rules `(= (f a1 .. ak) body)` are the atoms filed under
// (=, 3 children, argument 1, signature "expression of k+1 children headed f"), plus those whose
// left side has a variable head (signature SIG_OPEN) or is a variable, plus stored `($f _ _)` and
// bare `$x`. The lists are made on first use (empty), so a later rule for that head lands in one
// of them and the change stamp (their appends) sees it; a fact or another head's rule does not.

import type { AtomIndex } from '../space/index.js';
import { NONE, SIG_NONE, SIG_OPEN } from '../space/index.js';
import { EQUALS_TOKEN } from './rule-token.js';

/**
 * The disjoint lists holding every rule that may apply to a call of `headToken` (-1: not atomic)
 * and `arity` children. With `create` false, lists not made yet are left out (they hold nothing).
 */
export function indexRuleLists(index: AtomIndex, headToken: number, arity: number, create = true): number[] {
  const lists: number[] = [index.bareVars];
  const add = (l: number): void => {
    if (l !== NONE) lists.push(l);
  };
  add(index.varHeadList(3, create));
  const rules = index.group(EQUALS_TOKEN(), 3, create);
  if (rules === NONE) return lists;
  if (arity === 0) {
    add(index.exprArgList(rules, 1, 0, SIG_NONE, create));
    add(index.varsList(rules, 1, create));
  } else if (headToken >= 0) {
    add(index.exprArgList(rules, 1, arity, headToken, create));
    add(index.exprArgList(rules, 1, arity, SIG_OPEN, create));
    add(index.varsList(rules, 1, create));
  } else add(index.allList(rules)); // a call with a variable or expression head: every rule, checked one by one
  return lists;
}

/**
 * Whether any stored atom present now may be a rule for every call of `arity` children, whatever
 * its head: a bare variable, a stored `($f _ _)`, a rule whose left side is a variable or has a
 * variable head. Nothing is created in the index. Together with anyHeadRuleCandidate, the lists
 * of indexRuleLists, looked at without collecting them.
 */
export function anyOpenRuleCandidate(index: AtomIndex, arity: number): boolean {
  if (live(index, index.bareVars) || live(index, index.varHeadList(3, false))) return true;
  const rules = index.group(EQUALS_TOKEN(), 3, false);
  if (rules === NONE) return false;
  return live(index, index.varsList(rules, 1, false)) || (arity > 0 && live(index, index.exprArgList(rules, 1, arity, SIG_OPEN, false)));
}

/** Whether a rule present now has a left side of `arity` children headed by `headToken` (-1: not atomic: then every rule may apply). */
export function anyHeadRuleCandidate(index: AtomIndex, headToken: number, arity: number): boolean {
  const rules = index.group(EQUALS_TOKEN(), 3, false);
  if (rules === NONE) return false;
  if (arity === 0) return live(index, index.exprArgList(rules, 1, 0, SIG_NONE, false));
  return headToken >= 0 ? live(index, index.exprArgList(rules, 1, arity, headToken, false)) : live(index, index.allList(rules));
}

function live(index: AtomIndex, l: number): boolean {
  return l !== NONE && index.lists.liveLength(l) > 0;
}

/** Changes whenever an id is appended to one of `lists` of `index` (removals are seen through liveness). */
export function listsStamp(index: AtomIndex, lists: readonly number[]): number {
  let stamp = 0;
  for (const l of lists) stamp += index.lists.appended(l);
  return stamp;
}
