// Property: for random programs (facts, rules, bind!, states, new-space, add-atom/remove-atom,
// spaces and states stored inside spaces, odd numbers and strings) split at a random top-level
// boundary, the state after the first part survives serializeState → deserializeState exactly
// (re-serializing gives the same bytes) and continuing with the second part prints what
// continuing the original prints, which is what the whole text prints in one Program.
// The seed is fixed and printed; set FC_SEED to replay another.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compile,
  deserializeState,
  emptyState,
  run,
  serializeState,
  stderrText,
  stdoutText,
} from '../../src/runner/index.js';
import { normalize, runWhole, splitText } from './helpers.js';

const SEED = Number(process.env['FC_SEED'] ?? 482_193);
const RUNS = Number(process.env['FC_RUNS'] ?? 150);

const SPACES = ['&s0', '&s1', '&s2'];
const STATES = ['&c0', '&c1'];
const WORDS = ['tokA', 'tokB'];

const name = fc.constantFrom('a', 'b', 'c', 'Bob', 'x-y', 'ünï', '日本');
const num = fc.oneof(
  fc.integer({ min: -5, max: 5 }).map(String),
  fc.constantFrom('9007199254740993', '-123456789012345678901234567890', '2.5', '-0.0', '1e300', '0.1'),
);
const text = fc.constantFrom('""', '"hi"', '"tab\\there"', '"😀 é"', '"q\\"uote"', '"\\u{7f}"');
const leaf = fc.oneof(name, num, text, fc.constantFrom('True', 'False', '$x', '$y', ...WORDS));
const value: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: leaf },
  { weight: 1, arbitrary: fc.array(leaf, { minLength: 1, maxLength: 3 }).map((xs) => `(${xs.join(' ')})`) },
);
const fact = fc.tuple(fc.constantFrom('rel', 'edge', 'val'), value, value).map(([r, a, b]) => `(${r} ${a} ${b})`);
const space = fc.constantFrom('&self', ...SPACES);
const state = fc.constantFrom(...STATES);

const statement: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fact },
  { weight: 1, arbitrary: fc.constantFrom('(= (f $x) (rel $x $y))', '(= (g $x) (+ $x 1))', '(= (h) (match &self (val $a $b) ($b $a)))', '(: f (-> Atom Atom))') },
  { weight: 1, arbitrary: fc.tuple(space, fact).map(([s, f]) => `!(let $n (new-space) (let $u (add-atom $n ${f}) (add-atom ${s} (holds $n))))`) },
  { weight: 3, arbitrary: fc.tuple(space, fact).map(([s, f]) => `!(add-atom ${s} ${f})`) },
  { weight: 1, arbitrary: fc.tuple(space, fact).map(([s, f]) => `!(remove-atom ${s} ${f})`) },
  { weight: 1, arbitrary: fc.tuple(space, fc.constantFrom(...SPACES, ...STATES)).map(([s, o]) => `!(add-atom ${s} (holds ${o}))`) },
  { weight: 1, arbitrary: fc.tuple(space, value).map(([s, v]) => `!(let $n (new-state ${v}) (add-atom ${s} (cell $n)))`) },
  { weight: 1, arbitrary: fc.tuple(space, value).map(([s, v]) => `!(match ${s} (cell $c) (change-state! $c (${v} (get-state $c))))`) },
  { weight: 1, arbitrary: fc.tuple(state, fc.oneof(value, space)).map(([c, v]) => `!(change-state! ${c} ${v})`) },
  { weight: 1, arbitrary: state.map((c) => `!(get-state ${c})`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...WORDS), fc.oneof(value, space, state)).map(([w, v]) => `!(bind! ${w} ${v})`) },
  { weight: 1, arbitrary: fc.constantFrom(...WORDS).map((w) => `!(quote ${w})`) },
  { weight: 3, arbitrary: space.map((s) => `!(match ${s} (rel $p $q) ($q $p))`) },
  { weight: 1, arbitrary: space.map((s) => `!(match ${s} (holds $o) (match $o (edge $u $v) $v))`) },
  { weight: 1, arbitrary: space.map((s) => `!(collapse (get-atoms ${s}))`) },
  { weight: 1, arbitrary: fc.constantFrom('!(f a)', '!(g 41)', '!(h)', '!(let $v (/ 0.0 0.0) (add-atom &self (val nan $v)))', '!(println! "line")', '!(pragma! max-stack-depth 200)') },
);

/** Spaces and states exist from the start (the cut may still fall inside this prelude). */
const PRELUDE = [...SPACES.map((s) => `!(bind! ${s} (new-space))`), ...STATES.map((c, i) => `!(bind! ${c} (new-state ${i}))`)];

const program = fc
  .tuple(fc.array(statement, { minLength: 1, maxLength: 24 }), fc.nat())
  .map(([statements, k]): [string[], number] => [[...PRELUDE, ...statements], k]);

describe('serialization round trip over random programs', () => {
  it(`continues identically after the bytes (seed ${SEED}, ${RUNS} runs)`, () => {
    console.log(`serialize.property: fast-check seed ${SEED} (FC_SEED to change), ${RUNS} runs`);
    fc.assert(
      fc.property(program, ([statements, k]) => {
        const full = statements.join('\n') + '\n';
        const cut = statements.slice(0, k % (statements.length + 1)).reduce((n, s) => n + s.length + 1, 0);
        const [a, b] = splitText(full, cut);
        const whole = runWhole(full, 'p.metta', process.cwd());

        const first = run(emptyState(), compile(a, 'p.metta'));
        const bytes = serializeState(first);
        const loaded = deserializeState(bytes);
        expect(Buffer.from(serializeState(loaded)).equals(Buffer.from(bytes))).toBe(true);
        const n = first.output.length;

        const direct = run(first, compile(b, 'p.metta'));
        const fromBytes = run(loaded, compile(b, 'p.metta'));
        // The direct continuation prints what the whole text prints.
        expect(normalize(stdoutText(direct.output))).toBe(normalize(whole.out));
        expect(normalize(stderrText(direct.output))).toBe(normalize(whole.err));
        // The loaded state carries the first part's output verbatim and continues identically.
        expect(stdoutText(fromBytes.output.slice(0, n))).toBe(stdoutText(direct.output.slice(0, n)));
        expect(normalize(stdoutText(fromBytes.output))).toBe(normalize(whole.out));
        expect(normalize(stderrText(fromBytes.output))).toBe(normalize(whole.err));
        expect(fromBytes.environment.self.space.size).toBe(direct.environment.self.space.size);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
