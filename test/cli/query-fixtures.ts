// The generated knowledge base and patterns of the `metta query` tests (test/cli/query.test.ts and
// the GPU one, test/gpu/query-cli.test.ts).

import { prng } from '../../src/bench/common.js';


/** 2,000 `(edge nI nJ)` facts (duplicates kept) plus a few atoms with variables and numbers. */
export function kbText(): string {
  const rand = prng(7);
  const lines: string[] = [];
  for (let k = 0; k < 2000; k++) lines.push(`(edge n${Math.floor(rand() * 60)} n${Math.floor(rand() * 60)})`);
  lines.push('(edge $any n0)', '(likes $who (cake $who))', '(weight n1 2.5)', '(weight n2 7)', '(label n3 "three")');
  return lines.join('\n') + '\n';
}

/** 400 patterns: bare patterns, `!` patterns, match forms with templates, conjunctions, misses. */
export function patternText(): string {
  const lines: string[] = ['; patterns for the query test'];
  for (let i = 0; i < 400; i++) {
    const a = i % 60;
    const b = (i * 7) % 60;
    switch (i % 8) {
      case 0: lines.push(`(edge n${a} $y)`); break;
      case 1: lines.push(`!(match &self (edge $x n${a}) ($x to n${a}))`); break;
      case 2: lines.push(`!(edge n${a} n${b})`); break;
      case 3: lines.push(`(, (edge n${a} $m) (edge $m n${b}))`); break;
      case 4: lines.push('(likes $a $b)'); break;
      case 5: lines.push(`($r n${a} n${b})`); break;
      case 6: lines.push(`!(match &self (weight $n $w) (w $n $w))`); break;
      default: lines.push(`(nothing n${a})`);
    }
  }
  return lines.join('\n') + '\n';
}

