// CPU matching over the flat trie (inline; the worker pool builds on it).

import type { Atom } from '../core/atoms.js';
import type { Bindings } from '../core/bindings.js';
import { isExpression, sym } from '../core/atoms.js';
import type { SpaceView } from '../space/atom-space.js';
import { matchConjunction } from './conjunction.js';
import { CompiledPattern, type MatchHit, TrieMatcher } from './trie-match.js';

export { CompiledPattern, type MatchHit, TrieMatcher } from './trie-match.js';
export { TokenUnifier } from './token-unify.js';
export { naiveMatch } from './naive-match.js';
export { matchConjunction } from './conjunction.js';

const sharedMatcher = new TrieMatcher();

/** Every atom of the space view unifying with `pattern`, by insertion id. */
export function matchPattern(view: SpaceView, pattern: Atom): MatchHit[] {
  return sharedMatcher.match(view, new CompiledPattern(pattern));
}

/** Many patterns against one view: results per pattern, in pattern order. */
export function matchBatch(view: SpaceView, patterns: readonly Atom[]): MatchHit[][] {
  return patterns.map((p) => sharedMatcher.match(view, new CompiledPattern(p)));
}

const COMMA = sym(',');

/** The conjuncts of `(, p1 p2 ...)`, or null for an ordinary pattern. */
export function conjuncts(pattern: Atom): readonly Atom[] | null {
  if (isExpression(pattern) && pattern.children.length > 0 && pattern.children[0] === COMMA) {
    return pattern.children.slice(1);
  }
  return null;
}

/**
 * Bindings of every way `pattern` matches the view, conjunctions included, in the deterministic
 * order of SPEC §4.
 */
export function query(view: SpaceView, pattern: Atom): Bindings[] {
  const parts = conjuncts(pattern);
  if (parts === null) return matchPattern(view, pattern).map((hit) => hit.bindings);
  return matchConjunction((p) => matchPattern(view, p), parts);
}

/**
 * `query` for many patterns against one view, results in pattern order: plain patterns go through
 * the trie matcher, conjunctions `(, p1 p2 ...)` are joined as `query` joins them.
 */
export function queryBatch(view: SpaceView, patterns: readonly Atom[]): Bindings[][] {
  return patterns.map((p) => (conjuncts(p) === null ? sharedMatcher.match(view, new CompiledPattern(p)).map((hit) => hit.bindings) : query(view, p)));
}
export { lookupRules, RULE_RESULT, type RuleAnswer, ruleQueryPattern } from './rule-lookup.js';
