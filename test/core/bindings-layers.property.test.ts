// Differential property test of Bindings' shared layers (src/core/bindings.ts): random sequences
// of bind / clone / undoTo / without / merge / entries over many live copies, each copy against a
// flat model (one ordered Map per copy, copied on clone: what Bindings was before the layers).
// After every operation every copy must hold exactly its model's bindings, in binding order, and
// resolve atoms to the same result: a write to one copy is never seen by another, however many
// layers they share. Replay with BINDINGS_SEED=<seed>.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Atom, AtomKind, Bindings, expr, formatAtom, substitute, sym, unify, variable, VariableAtom } from '../../src/core/index.js';

const SEED = Number(process.env['BINDINGS_SEED'] ?? 20_261_202);
const RUNS = 300;
console.log(`bindings layers differential: seed=${SEED} numRuns=${RUNS}`);

const NAMES = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];

/** The flat model: an ordered map, copied whole on clone. */
class FlatModel {
  constructor(readonly map: Map<string, Atom> = new Map()) {}
  occurs(name: string, atom: Atom): boolean {
    if (atom.kind === AtomKind.Variable) {
      if (atom.name === name) return true;
      const next = this.map.get(atom.name);
      return next !== undefined && this.occurs(name, next);
    }
    return atom.kind === AtomKind.Expression && atom.children.some((c) => this.occurs(name, c));
  }
  bind(name: string, value: Atom): boolean {
    if (this.occurs(name, value)) return false;
    this.map.set(name, value);
    return true;
  }
  clone(): FlatModel {
    return new FlatModel(new Map(this.map));
  }
  undoTo(size: number): void {
    let i = 0;
    for (const name of [...this.map.keys()]) if (i++ >= size) this.map.delete(name);
  }
  without(name: string): FlatModel {
    const copy = this.clone();
    copy.map.delete(name);
    return copy;
  }
  resolve(atom: Atom): Atom {
    return substitute(atom, (v) => this.map.get(v.name));
  }
}

type Op =
  | { kind: 'bind'; who: number; name: number; value: number; shape: number }
  | { kind: 'clone'; who: number }
  | { kind: 'undo'; who: number; keep: number }
  | { kind: 'without'; who: number; name: number }
  | { kind: 'merge'; who: number; other: number }
  | { kind: 'entries'; who: number };

const index = fc.nat({ max: 1000 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('bind' as const), who: index, name: index, value: index, shape: fc.nat({ max: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('clone' as const), who: index }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('undo' as const), who: index, keep: index }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('without' as const), who: index, name: index }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('merge' as const), who: index, other: index }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('entries' as const), who: index }) },
);

/** A value to bind: a symbol, another variable, or an expression over variables and symbols. */
function valueOf(value: number, shape: number): Atom {
  const v = variable(NAMES[value % NAMES.length]!);
  if (shape === 0) return sym(`s${value % 4}`);
  if (shape === 1) return v;
  if (shape === 2) return expr([sym('f'), v, sym('k')]);
  return expr([sym('g'), expr([v, variable(NAMES[(value + 3) % NAMES.length]!)])]);
}

const PROBE = expr(NAMES.map((n) => variable(n)));

function same(b: Bindings, m: FlatModel, where: string): void {
  expect(b.size, where).toBe(m.map.size);
  for (const name of NAMES) expect(b.lookup(name), `${where}: lookup ${name}`).toBe(m.map.get(name));
  expect(formatAtom(b.resolve(PROBE)), where).toBe(formatAtom(m.resolve(PROBE)));
}

describe('Bindings shared layers against a flat model', () => {
  it('every copy holds its own bindings after any sequence of writes', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 80 }), (ops) => {
        const copies: Bindings[] = [new Bindings()];
        const models: FlatModel[] = [new FlatModel()];
        for (const [step, op] of ops.entries()) {
          const k = op.who % copies.length;
          const b = copies[k]!;
          const m = models[k]!;
          switch (op.kind) {
            case 'bind': {
              const name = NAMES[op.name % NAMES.length]!;
              if (m.map.has(name)) break; // only unbound variables are bound (as unify does)
              const value = valueOf(op.value, op.shape);
              expect(b.bind(name, value)).toBe(m.bind(name, value));
              break;
            }
            case 'clone':
              copies.push(b.clone());
              models.push(m.clone());
              break;
            case 'undo': {
              const keep = op.keep % (m.map.size + 1);
              b.undoTo(keep);
              m.undoTo(keep);
              break;
            }
            case 'without': {
              const name = NAMES[op.name % NAMES.length]!;
              const without = b.without(name);
              copies.push(without);
              // Nothing to remove: the same object (a value), so the same model.
              models.push(without === b ? m : m.without(name));
              break;
            }
            case 'merge': {
              const j = op.other % copies.length;
              const merged = b.merge(copies[j]!);
              const model = m.clone();
              let ok = true;
              for (const [name, value] of models[j]!.map) {
                const attempt = new Bindings(new Map(model.map));
                if (!unify(new VariableAtom(name), value, attempt)) {
                  ok = false;
                  break;
                }
                model.map.clear();
                for (const [n, v] of attempt.entries()) model.map.set(n, v);
              }
              expect(merged === null, `step ${step}: merge`).toBe(!ok);
              if (merged !== null) {
                copies.push(merged);
                // merge may return either side itself when the other is empty.
                models.push(merged === b ? m : merged === copies[j] ? models[j]! : model);
              }
              break;
            }
            case 'entries':
              expect([...b.entries()].map(([n, v]) => `${n}=${formatAtom(v)}`)).toEqual([...m.map].map(([n, v]) => `${n}=${formatAtom(v)}`));
              break;
          }
          for (let i = 0; i < copies.length; i++) same(copies[i]!, models[i]!, `step ${step} (${op.kind}), copy ${i}`);
        }
        // Binding order survives the layers: each copy lists its bindings as its model does.
        for (let i = 0; i < copies.length; i++) {
          expect(copies[i]!.resolvedEntries().map(([n]) => n)).toEqual([...models[i]!.map.keys()]);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('a long chain of clones, each with one binding, keeps every copy apart', () => {
    const copies: Bindings[] = [new Bindings()];
    for (let i = 0; i < 200; i++) {
      const next = copies[copies.length - 1]!.clone();
      expect(next.bind(`v${i}`, sym(`x${i}`))).toBe(true);
      copies.push(next);
    }
    for (let i = 0; i < copies.length; i++) {
      expect(copies[i]!.size).toBe(i);
      expect(copies[i]!.lookup(`v${i}`)).toBeUndefined();
      if (i > 0) expect(copies[i]!.lookup(`v${i - 1}`)).toBe(sym(`x${i - 1}`));
    }
    expect([...copies[200]!.entries()].map(([n]) => n)).toEqual(Array.from({ length: 200 }, (_, i) => `v${i}`));
  });
});
