// CPU matching: through the live index of a space (index-match.ts), or over a frozen trie (trie-match.ts: snapshots, replicas).

import type { Atom } from '../core/index.js';
import type { Bindings } from '../core/index.js';
import { isExpression, sym } from '../core/index.js';
import { type IndexedView, isIndexedView, type SpaceView } from '../space/index.js';
import type { CompactResults } from './compact-results.js';
import { matchConjunction } from './conjunction.js';
import { groundConjunction, groundSolutions, solutionValue } from './conjunction-ground.js';
import { templateFiller } from './template-fill.js';
import { IndexMatcher } from './index-match.js';
import { CompiledPattern, type MatchHit, TrieMatcher } from './trie-match.js';

export { CompiledPattern, type MatchHit, TrieMatcher } from './trie-match.js';
export { TokenUnifier } from './token-unify.js';
export { naiveMatch } from './naive-match.js';
export { matchConjunction } from './conjunction.js';
export { IndexMatcher } from './index-match.js';
export { CompactResults, UNBOUND_REF } from './compact-results.js';

const trieMatcher = new TrieMatcher();
const indexMatcher = new IndexMatcher();

/** A compiled pattern against a view: through the live index, or by walking a frozen trie. */
export function matchCompiled(view: SpaceView, pattern: CompiledPattern): MatchHit[] {
  return isIndexedView(view) ? indexMatcher.match(view, pattern) : trieMatcher.match(view, pattern);
}

/** Every atom of the space view unifying with `pattern`, by insertion id. */
export function matchPattern(view: SpaceView, pattern: Atom): MatchHit[] {
  return matchCompiled(view, new CompiledPattern(pattern));
}

/**
 * `matchPattern` through the live index with compact results: atom ids and binding records, no
 * atom or Bindings made until asked for (compact-results.ts).
 */
export function matchCompact(view: IndexedView, pattern: Atom | CompiledPattern): CompactResults {
  return indexMatcher.matchCompact(view, pattern instanceof CompiledPattern ? pattern : new CompiledPattern(pattern));
}

/** The Bindings of every hit of a plain (not conjunctive) pattern, by insertion id. */
function plainQuery(view: SpaceView, pattern: Atom): Bindings[] {
  const compiled = new CompiledPattern(pattern);
  return isIndexedView(view) ? indexMatcher.matchCompact(view, compiled).bindings() : trieMatcher.match(view, compiled).map((hit) => hit.bindings);
}

/** Many patterns against one view: results per pattern, in pattern order. */
export function matchBatch(view: SpaceView, patterns: readonly Atom[]): MatchHit[][] {
  return patterns.map((p) => matchCompiled(view, new CompiledPattern(p)));
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
  if (parts === null) return plainQuery(view, pattern);
  // Over the live index, joined on token strings while every atom met is ground.
  const ground = isIndexedView(view) ? groundConjunction(view, parts) : null;
  return ground ?? matchConjunction((p) => matchPattern(view, p), parts);
}

/**
 * `query(view, pattern)` with each answer's bindings applied to `template` (`match`'s results),
 * in the same order. Over the live index an answer from a ground stored atom — nearly all of
 * them — fills the template straight from the matcher's compact results, with no Bindings made.
 */
export function queryFilled(view: SpaceView, pattern: Atom, template: Atom): Atom[] {
  if (!isIndexedView(view)) return query(view, pattern).map((b) => b.resolve(template));
  const parts = conjuncts(pattern);
  if (parts !== null) {
    const s = groundSolutions(view, parts);
    if (s === null) return matchConjunction((p) => matchPattern(view, p), parts).map((b) => b.resolve(template));
    const fill = templateFiller(template, s.names);
    const out = new Array<Atom>(s.count);
    // One closure over the row being filled, not one per row.
    let r = 0;
    const value = (g: number): Atom => solutionValue(s, r, g);
    for (; r < out.length; r++) out[r] = fill(value);
    return out;
  }
  const results = indexMatcher.matchCompact(view, new CompiledPattern(pattern));
  const fill = templateFiller(template, results.pattern.varNames);
  const out = new Array<Atom>(results.count);
  let i = 0;
  const value = (level: number): Atom | undefined => results.valueAt(i, level);
  for (; i < out.length; i++) {
    // A hit with stored variables may bind through them (and makes fresh variables, in hit order): resolved as query does.
    out[i] = results.isGroundHit(i) ? fill(value) : results.bindingsAt(i).resolve(template);
  }
  return out;
}

/** `query` for many patterns against one view, results in pattern order. */
export function queryBatch(view: SpaceView, patterns: readonly Atom[]): Bindings[][] {
  return patterns.map((p) => query(view, p));
}
export { fireRulesAt, lookupRules, mayHaveHeadRuleCandidates, mayHaveOpenRuleCandidates, mayHaveRuleCandidates, RULE_RESULT, type RuleAnswer, type RuleCandidate, ruleCandidates, ruleQueryPattern } from './rule-lookup.js';
export { freshVariablesFor, resolveReference } from './token-unify.js';
