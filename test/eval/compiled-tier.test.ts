// The compiled tier (src/eval/compiled) against the interpreter: each program runs with the tier
// on and off and must print the same; the counters say whether the tier answered, bailed or
// refused, so a case cannot pass by never reaching the path it names.

import { describe, expect, it } from 'vitest';
import { compiledTierStats, Engine } from '../../src/index.js';
import { fibProgram, digitsProgram, queensProgram, triplesProgram, listProgram } from '../../src/bench/interp-programs.js';
import { runProgramText } from '../helpers/run-program.js';

function both(text: string): { on: string; off: string; answered: number; bails: number; refusals: number } {
  const before = { ...compiledTierStats };
  const on = runProgramText(text, '/tmp/tier.metta');
  const after = { ...compiledTierStats };
  const off = runProgramText(text, '/tmp/tier.metta', (p) => {
    p.env.settings.compiledRules = false;
  });
  expect(compiledTierStats.answered, 'the tier answered with compiled-rules off').toBe(after.answered);
  return {
    on: on.out + on.err + `exit ${on.exitCode}`,
    off: off.out + off.err + `exit ${off.exitCode}`,
    answered: after.answered - before.answered,
    bails: after.bails - before.bails,
    refusals: after.refusals - before.refusals,
  };
}

/** The program with memoization on (the default) and off, the tier on in both: outputs and memo hits. */
function memoBoth(text: string): { on: string; off: string; hitsOn: number; hitsOff: number } {
  const h0 = compiledTierStats.memoHits;
  const on = runProgramText(text, '/tmp/memo.metta');
  const h1 = compiledTierStats.memoHits;
  const off = runProgramText(text, '/tmp/memo.metta', (p) => {
    p.env.settings.memoize = false;
  });
  const h2 = compiledTierStats.memoHits;
  return { on: on.out + on.err + `exit ${on.exitCode}`, off: off.out + off.err + `exit ${off.exitCode}`, hitsOn: h1 - h0, hitsOff: h2 - h1 };
}

describe('compiled tier', () => {
  it.each([
    ['fib', fibProgram(15)],
    ['digits', digitsProgram(3, 12)],
    ['triples', triplesProgram(20)],
    ['n-queens', queensProgram(5)],
  ])('answers %s exactly as the interpreter', (_name, text) => {
    const r = both(text);
    expect(r.on).toBe(r.off);
    expect(r.answered).toBeGreaterThan(0);
  });

  it('runs a deep non-tail recursion whose call waits in a constructor or an arithmetic call on a stack of its own', () => {
    const r = both(listProgram(3000));
    expect(r.on).toBe(r.off);
    expect(r.on).toContain('[3000]');
    expect(r.bails).toBe(0);
    expect(r.answered).toBeGreaterThan(0);
    const built = both(`
(= (mk $n) (if (== $n 0) Z (S (mk (- $n 1)))))
(= (cnt Z) 0)
(= (cnt (S $x)) (+ 1 (cnt $x)))
(= (back Z $acc) $acc)
(= (back (S $x) $acc) (back $x (S $acc)))
!(let $d (mk 20000) (cnt $d))
!(cnt (back (mk 3000) Z))
!(mk 3)
`);
    expect(built.on).toBe(built.off);
    expect(built.on).toContain('[20000]\n[3000]\n[(S (S (S Z)))]');
    expect(built.bails).toBe(0);
  });

  it('keeps the order, the types and the errors of waiting calls: several results, declared functions, a bail deep inside', () => {
    const r = both(`
(= (two $n) (if (== $n 0) (superpose (a b)) (S (two (- $n 1)))))
!(two 3)
(: depth (-> Nat Number))
(= (depth Z) 0)
(= (depth (S $x)) (+ 1 (depth $x)))
!(depth (S (S (S Z))))
(= (sum $n) (if (== $n 0) 0 (+ $n (sum (- $n 1)))))
!(sum 5000)
(= (odd $n) (if (== $n 0) "bottom" (+ 1 (odd (- $n 1)))))
!(odd 2000)
(= (none $n) (if (== $n 0) (empty) (S (none (- $n 1)))))
!(none 1000)
`);
    expect(r.on).toBe(r.off);
    expect(r.on).toContain('[(S (S (S a))), (S (S (S b)))]');
    expect(r.on).toContain('[12502500]');
    expect(r.on).toContain('[]');
    expect(r.answered).toBeGreaterThan(0);
    expect(r.bails, 'the String at the bottom of (odd 2000)').toBeGreaterThan(0);
  });

  it('bails on a recursion deeper than it runs, and the interpreter finishes it', () => {
    // The waiting application evaluates another element besides the call: it recurses on the JavaScript stack.
    const r = both(`
(= (len Nil) 0)
(= (len (Cons $h $t)) (+ (len $t) (* 1 1)))
(= (build $n $acc) (if (== $n 0) $acc (build (- $n 1) (Cons $n $acc))))
!(len (build 3000 Nil))`);
    expect(r.on).toBe(r.off);
    expect(r.on).toContain('[3000]');
    expect(r.bails).toBeGreaterThan(0);
  });

  it('leaves rules nested deeper than it compiles to the interpreter, and takes deep ground bodies as constants', () => {
    const deep = (n: number, inner: string): string => '(S '.repeat(n) + inner + ')'.repeat(n);
    const r = both(`
(= (cnt Z) 0)
(= (cnt (S $x)) (+ 1 (cnt $x)))
(= (lit) ${deep(5000, 'Z')})
(= (wrap $x) ${deep(200, '$x')})
(= (peel ${deep(100, '$x')}) $x)
!(cnt (lit))
!(cnt (wrap Z))
!(peel (wrap Q))
`);
    expect(r.on).toBe(r.off);
    expect(r.on).toContain('[5000]\n[200]\n[' + deep(100, 'Q') + ']');
    expect(r.refusals).toBeGreaterThan(0);
  });

  it('runs last calls in place: loops of any length, mutual recursion, typed loops, overlapping rules', () => {
    const r = both(`
(= (loop $i $n $acc) (if (== $i $n) $acc (loop (+ $i 1) $n (+ $acc $i))))
(: count-up (-> Number Number Number))
(= (count-up $i $n) (if (>= $i $n) $i (let $j (+ $i 1) (count-up $j $n))))
(= (even 0) True)
(= (even $n) (if (> $n 0) (odd (- $n 1)) False))
(= (odd 0) False)
(= (odd $n) (if (> $n 0) (even (- $n 1)) False))
(= (walk 0) (done))
(= (walk $n) (if (> $n 0) (walk (- $n 1)) (empty)))
(= (walk $n) (Also $n))
!(loop 0 20000 0)
!(count-up 0 20000)
!(even 5001)
!(walk 3)`);
    expect(r.on).toBe(r.off);
    expect(r.on).toContain('[199990000]\n[20000]\n');
    expect(r.answered).toBeGreaterThanOrEqual(4);
    expect(r.bails).toBe(0);
  });

  it('takes expressions apart and puts them together as the interpreter does, arguments unevaluated', () => {
    const clean = both(`
(= (len $l) (if (== $l ()) 0 (+ 1 (len (cdr-atom $l)))))
(= (sum $l) (if (== (size-atom $l) 0) 0 (+ (car-atom $l) (sum (cdr-atom $l)))))
(= (rev $l $acc) (if (== $l ()) $acc (let $h (car-atom $l) (rev (cdr-atom $l) (cons-atom $h $acc)))))
(= (second $l) (index-atom $l 1))
(= (triple $a $b) (size-atom ($a $b $a)))
(= (tricky $l) (car-atom (cdr-atom $l)))
!(len (1 2 3 4 5))
!(sum (1 2 3 4 5))
!(rev (1 2 3) ())
!(second (a b c))
!(triple 1 (x y))
!(tricky (1 2 3))`);
    expect(clean.on).toBe(clean.off);
    expect(clean.on).toContain('[5]\n[15]\n[(3 2 1)]\n[b]\n[3]\n[cdr-atom]\n');
    expect(clean.answered).toBeGreaterThanOrEqual(6);
    expect(clean.bails).toBe(0);
    // Parts that evaluate further, and errors: the interpreter's answers.
    const rest = both(`
(= (inc $x) (+ $x 1))
(= (second $l) (index-atom $l 1))
(= (head $l) (car-atom $l))
(= (mk $f $x) (cons-atom $f ($x)))
(= (rev $l $acc) (if (== $l ()) $acc (rev (cdr-atom $l) (cons-atom (car-atom $l) $acc))))
(= (len $l) (if (== $l ()) 0 (+ 1 (len (cdr-atom $l)))))
!(second (a (inc 1) c))
!(head ((inc 1) 2))
!(mk inc 5)
!(mk Foo 5)
!(rev (1 2 3) ())
!(len a)
!(second (a))
!(head ())`);
    expect(rest.on).toBe(rest.off);
    expect(rest.on).toContain('[(inc 5)]\n[(Foo 5)]\n');
    expect(rest.bails).toBeGreaterThan(0);
  });

  it('chooses case alternatives as the interpreter does, Empty included', () => {
    const r = both(`
(= (kind $x) (case $x ((0 zero) ((S $n) (succ $n)) ($_ other))))
(= (opt $x) (case (superpose ($x (Some 3) None)) (((Some $v) $v) (None 0))))
(= (swap $p) (case $p ((($a $b) ($b $a)))))
(= (none) (case (empty) ((Empty nothing) ($z something))))
(= (bind-empty) (case (empty) (($z something))))
(= (countdown $x) (case $x ((0 done) ($n (countdown (- $n 1))))))
(= (twice $x) (let $r (case $x ((A 1) (B 2))) (case $r ((1 one) (2 two)))))
!(kind 0)
!(kind (S Z))
!(kind foo)
!(opt (Some 1))
!(swap (1 2))
!(none)
!(bind-empty)
!(countdown 5000)
!(twice A)
!(twice C)`);
    expect(r.on).toBe(r.off);
    expect(r.on).toContain('[zero]\n[(succ Z)]\n[other]\n[1, 3, 0]\n[(2 1)]\n[nothing]\n');
    expect(r.answered).toBeGreaterThanOrEqual(9);
  });

  it('matches let patterns that are structures, values or bound variables', () => {
    const r = both(`
(= (pair $x) ($x (+ $x 1)))
(= (sumpair $x) (let ($a $b) (pair $x) (+ $a $b)))
(= (guard $x) (let True (> $x 2) big))
(= (same $x $y) (let $x $y equal))
(= (both $x) (let* ((($a $b) (pair $x)) ($c (* $a $b))) ($c $a)))
(= (multi) (let (S $n) (superpose ((S 1) Z (S 2))) $n))
(= (nomatch $x) (let (A $y) $x $y))
!(sumpair 3)
!(guard 5)
!(guard 1)
!(same 1 1)
!(same 1 2)
!(both 4)
!(multi)
!(nomatch (B 1))
!(nomatch (A 7))`);
    expect(r.on).toBe(r.off);
    expect(r.on).toContain('[7]\n[big]\n[]\n[equal]\n[]\n[(20 4)]\n[1, 2]\n[]\n[7]\n');
    expect(r.answered).toBe(9);
    expect(r.bails + r.refusals).toBe(0);
  });

  it('indexes large rule sets by their first argument, keeping definition order', () => {
    const table = Array.from({ length: 40 }, (_, i) => `(= (t ${i} $y) (row ${i} $y))`).join('\n');
    const r = both(`${table}
(= (t $x last) (wild $x))
(= (t 1.0 $y) float)
(= (t "1" $y) string)
(= (t a $y) sym)
(= (t (1) $y) expr)
(= (t $x $y) (any $x))
(= (t 3 $y) three-again)
!(t 3 q)
!(t 3 last)
!(t 1 q)
!(t 1.0 q)
!(t "1" q)
!(t a q)
!(t (1) q)
!(t b q)
!(t 99 last)
!(t 39 q)`);
    expect(r.on).toBe(r.off);
    expect(r.on).toContain('[(row 3 q), (any 3), three-again]\n[(row 3 last), (wild 3), (any 3), three-again]\n');
    // An integer equals the float of its value: 1 and 1.0 find each other's rules.
    expect(r.on).toContain('[(row 1 q), float, (any 1)]\n[(row 1 q), float, (any 1.0)]\n');
    expect(r.answered).toBeGreaterThanOrEqual(10);
  });

  it('bails on errors: the interpreter reports them', () => {
    const r = both(`
(= (inc $x) (+ $x 1))
(= (twice $x) (inc (inc $x)))
!(twice 1)
!(twice a)
!(twice "s")
!(twice 1.5)`);
    expect(r.on).toBe(r.off);
    expect(r.on).toContain('[3]');
    expect(r.bails).toBeGreaterThan(0);
  });

  it('refuses side effects, polymorphic declared types and free variables', () => {
    const r = both(`
(= (noisy $x) (let $u (println! $x) $x))
(: poly (-> $t $t))
(= (poly $x) $x)
(= (free $x) ($x $y))
!(noisy 1)
!(poly 4)
!(free 1)`);
    expect(r.on).toBe(r.off);
    expect(r.refusals).toBeGreaterThanOrEqual(3);
  });

  describe('spaces', () => {
    it('makes the writes of a compiled loop once, in order, when the call returns', () => {
      const r = both(`
(= (build $k $n) (if (== $k $n) done (let* (($a (% (* $k 7) 10)) ($_ (add-atom &self (edge $k $a)))) (build (+ $k 1) $n))))
(= (drop $k) (if (< $k 0) done (let* (($a (% (* $k 7) 10)) ($_ (remove-atom &self (edge $k $a)))) (drop (- $k 2)))))
!(build 0 3000)
!(let $l (collapse (match &self (edge $x $y) $x)) (size-atom $l))
!(match &self (edge 2999 $y) $y)
!(drop 2999)
!(let $l (collapse (match &self (edge $x $y) $x)) (size-atom $l))
!(collapse (match &self (edge $x 2) $x))`);
      expect(r.on).toBe(r.off);
      expect(r.on).toContain('[done]\n[3000]\n[3]\n[done]\n[1500]\n[(6 16 26');
      expect(r.answered).toBeGreaterThanOrEqual(2);
      expect(r.bails).toBe(0);
    });

    it('answers queries, and higher-order calls through a variable head, as the interpreter', () => {
      const r = both(`
(edge 1 2) (edge 1 3) (edge 2 3) (edge 3 1) (label 1 (Node one))
(= (count-out $i) (let $l (collapse (match &self (edge $i $y) $y)) (size-atom $l)))
(= (two-hop $i) (collapse (match &self (, (edge $i $y) (edge $y $z)) ($y $z))))
(= (labels $i) (match &self (label $i $l) $l))
(= (sum $f $i $n $acc) (if (== $i $n) $acc (sum $f (+ $i 1) $n (+ $acc ($f $i)))))
(= (twice $f $x) ($f ($f $x)))
(= (inc $x) (+ $x 1))
(: typed-inc (-> Number Number))
(= (typed-inc $x) (+ $x 1))
!(sum count-out 0 4 0)
!(two-hop 1)
!(labels 1)
!(labels 2)
!(twice inc 5)
!(twice Wrap 5)
!(twice typed-inc 5)
!(twice + 5)`);
      expect(r.on).toBe(r.off);
      expect(r.on).toContain('[4]\n[((2 3) (3 1))]\n[(Node one)]\n[]\n[7]\n[(Wrap (Wrap 5))]\n[7]\n');
      expect(r.answered).toBeGreaterThanOrEqual(6);
    });

    it('calls declared functions through a variable head over values, and leaves their type errors to the interpreter', () => {
      const fine = both(`
(: sq (-> Number Number))
(= (sq $x) (* $x $x))
(= (apply1 $f $x) ($f $x))
(= (sum-of $f $i $n $acc) (if (== $i $n) $acc (sum-of $f (+ $i 1) $n (+ $acc ($f $i)))))
!(apply1 sq 4)
!(sum-of sq 0 100 0)`);
      expect(fine.on).toBe(fine.off);
      expect(fine.on).toContain('[16]\n[328350]');
      expect(fine.bails).toBe(0);
      expect(fine.answered).toBe(2);
      const wrong = both(`
(: sq (-> Number Number))
(= (sq $x) (* $x $x))
(: label (-> Number String))
(= (label $x) "n")
(= (apply1 $f $x) ($f $x))
(= (plus1 $f $x) (+ 1 ($f $x)))
!(apply1 sq "s")
!(plus1 label 2)
!(plus1 sq 2)`);
      expect(wrong.on).toBe(wrong.off);
      expect(wrong.on).toContain('[5]');
      expect(wrong.bails).toBeGreaterThanOrEqual(2);
    });

    it('leaves a call to the interpreter, its writes undone, where the compiled writes could be seen', () => {
      const r = both(`
(: logged (-> Number Number))
(= (logged $x) (let $_ (add-atom &self (log $x)) (if (> $x 0) $x "negative")))
(= (write-then-read $x) (let $_ (add-atom &self (seen $x)) (collapse (match &self (seen $y) $y))))
(= (write-a-rule $x) (let $_ (add-atom &self (= (dyn) $x)) (dyn)))
(= (per-branch $x) (Pair (superpose (1 2)) (let $_ (add-atom &self (branch $x)) $x)))
!(per-branch 7)
!(let $l (collapse (match &self (branch $x) $x)) (size-atom $l))
!(logged 1)
!(logged -1)
!(collapse (match &self (log $x) $x))
!(write-then-read 1)
!(write-then-read 2)
!(write-a-rule 5)`);
      expect(r.on).toBe(r.off);
      // The interpreter evaluates an element once per combination of the earlier ones' values.
      expect(r.on).toContain('[(Pair 1 7), (Pair 2 7)]\n[2]\n');
      expect(r.on).toContain('[(1 -1)]\n[(1)]\n[(1 2)]\n[5]');
      expect(r.bails).toBeGreaterThanOrEqual(4);
    });

    it('keeps the memo of a query for the space as it was', () => {
      const r = memoBoth(`
(edge 1 2)
(= (count-out $i) (let $l (collapse (match &self (edge $i $y) $y)) (size-atom $l)))
(= (both $i) (+ (count-out $i) (count-out $i)))
!(both 1)
!(both 1)
!(add-atom &self (edge 1 3))
!(both 1)
!(remove-atom &self (edge 1 2))
!(remove-atom &self (edge 1 3))
!(both 1)`);
      expect(r.on).toBe(r.off);
      expect(r.on).toContain('[2]\n[2]\n[()]\n[4]\n[()]\n[()]\n[0]');
      expect(r.hitsOn).toBeGreaterThan(0);
    });

    it('makes the writes done so far when a time limit stops a compiled loop', () => {
      for (const tier of ['True', 'False']) {
        const engine = new Engine({ timeout: 0.3 });
        engine.load(`!(pragma! compiled-rules ${tier})`);
        const stopped = engine.load('(= (grow $k) (let $_ (add-atom &self (n $k)) (grow (+ $k 1))))\n!(grow 0)');
        expect(stopped.stopped).toBe('time limit reached (--timeout)');
        const after = engine.load('!(match &self (n 0) yes)\n!(match &self (n 100) yes)');
        expect(after.lines, `compiled-rules ${tier}`).toEqual(['[yes]', '[yes]']);
      }
    });
  });

  it('answers functions with a plain declared type, and leaves their type errors to the interpreter', () => {
    const typed = `
(: fib (-> Number Number))
(= (fib $n) (if (< $n 2) $n (+ (fib (- $n 1)) (fib (- $n 2)))))
(: g (-> Number Number))
(= (g $x) (let $y (+ $x 1) (* $y 2)))
(: sp (-> Number Number))
(= (sp $x) (superpose ($x (+ $x 1))))
(: sum (-> Number Number Number))
(= (sum $a $b) (+ (fib $a) (g $b)))
!(fib 15)
!(g 3)
!(sp 1)
!(sum 5 (fib 4))`;
    const ok = both(typed);
    expect(ok.on).toBe(ok.off);
    expect(ok.on).toContain('[610]');
    expect(ok.answered).toBeGreaterThanOrEqual(4);
    expect(ok.bails).toBe(0);
    const errors = both(`${typed}
(: bad (-> Number String))
(= (bad $n) (+ $n 1))
(: half (-> Number Number))
(= (half $n) (if (== $n 0) "zero" (/ $n 2)))
(: un (-> Number Number))
(= (un 0) 0)
(: mixed (-> Number Number))
(= (mixed $x) (superpose ($x "no")))
!(bad 3)
!(g "a")
!(half 0)
!(un 1)
!(+ (un 1) 1)
!(mixed 1)
!(sum 1 (bad 2))
(: color (-> Number Color))
(= (color $x) Red)
(= (cmp $x) (== (color $x) "s"))
(= (cmp2 $x) (== (color $x) Red))
(= (cmpl $l) (== (cdr-atom $l) 5))
(= (cmpl2 $l) (== (cdr-atom $l) (2)))
!(cmp 1)
!(cmp2 1)
!(cmpl (1 2))
!(cmpl2 (1 2))`);
    expect(errors.on).toBe(errors.off);
    expect(errors.on).toContain('BadArgType');
    expect(errors.bails + errors.refusals).toBeGreaterThan(0);
  });

  it('sees rules added and removed at run time', () => {
    const r = both(`
(= (g $x) (* $x 10))
(= (f $x) (g $x))
!(f 2)
!(add-atom &self (= (g $x) (+ $x 1)))
!(f 2)
!(remove-atom &self (= (g $x) (* $x 10)))
!(f 2)`);
    expect(r.on).toBe(r.off);
    expect(r.on).toContain('[20, 3]');
    expect(r.answered).toBeGreaterThanOrEqual(3);
  });

  it('keeps result order over overlapping rules, superpose, let and collapse', () => {
    const r = both(`
(= (pick) (superpose (3 1 2)))
(= (pair) (let* (($a (pick)) ($b (pick))) (if (< $a $b) ($a $b) (empty))))
(= (grow $x) $x)
(= (grow $x) (Wrap $x))
(= (all) (collapse (pair)))
(= (each $xs) (superpose $xs))
!(pair)
!(grow 5)
!(all)
!(each (a b c))
!(collapse (each (1 2 3)))`);
    expect(r.on).toBe(r.off);
    expect(r.answered).toBeGreaterThan(0);
  });

  it('leaves unreduced calls and constructors as the interpreter does', () => {
    const r = both(`
(= (only 0) zero)
(= (wrap $x) (Box (only $x)))
(= (tuple $a $b) ($a $b))
!(wrap 0)
!(wrap 1)
!(tuple 1 2)
!(tuple only 0)`);
    expect(r.on).toBe(r.off);
  });

  it('reduces a collapsed tuple headed by a value only where a rule has that head', () => {
    const program = (rule: string): string => `
${rule}
(= (pair $x) (let $l (collapse (superpose ($x 2))) $l))
(= (count $i) (let $l (collapse (match &self (n $i $y) $y)) $l))
(n 1 2)
(n 1 3)
!(pair 1)
!(pair 5)
!(count 1)`;
    const none = both(program(''));
    expect(none.on).toBe(none.off);
    expect(none.on).toContain('[(1 2)]\n[(5 2)]\n[(2 3)]');
    expect(none.answered).toBeGreaterThan(0);
    // A rule headed by a number: a tuple headed by that number evaluates further; other tuples do not.
    const headed = both(program('(= (1 $x) (one $x))\n(= (2 $x) (two $x))'));
    expect(headed.on).toBe(headed.off);
    expect(headed.on).toContain('[(one 2)]\n[(5 2)]\n[(two 3)]');
    // A rule for any head of three children (not the calls' own arity), there from the start or
    // added after such tuples were found normal.
    const triples = (rule: string): string => `${rule}\n(= (triple $x) (let $l (collapse (superpose ($x 2 3))) $l))\n!(triple 1)`;
    const open = both(triples('(= ($f $x $y) (any $f $x $y))'));
    expect(open.on).toBe(open.off);
    expect(open.on).toContain('[(any 1 2 3)]');
    const later = both(`${triples('')}\n!(add-atom &self (= ($f $x $y) (any $f $x $y)))\n!(triple 4)`);
    expect(later.on).toBe(later.off);
    expect(later.on).toContain('[(1 2 3)]\n[()]\n[(any 4 2 3)]');
  });

  it('stays with the interpreter under --max-steps and when turned off by pragma', () => {
    const text = `
!(pragma! compiled-rules False)
(= (fib $n) (if (< $n 2) $n (+ (fib (- $n 1)) (fib (- $n 2)))))
!(fib 10)`;
    const before = compiledTierStats.answered;
    const r = runProgramText(text, '/tmp/tier.metta');
    expect(r.out).toBe('[()]\n[55]\n');
    expect(compiledTierStats.answered).toBe(before);
  });

  describe('memoization', () => {
    it('answers repeated pure calls from the memo, with the same results in the same order', () => {
      const r = memoBoth(`
(= (fib $n) (if (< $n 2) $n (+ (fib (- $n 1)) (fib (- $n 2)))))
(= (digit) (superpose (0 1 2)))
(= (pairs $n) (let* (($a (digit)) ($b (digit))) (if (== (+ $a $b) $n) ($a $b) (empty))))
(= (count $n) (size-atom (collapse (pairs $n))))
!(fib 22)
!(pairs 2)
!(collapse (pairs 2))
!(+ (count 2) (count 2))`);
      expect(r.on).toBe(r.off);
      expect(r.on).toContain('[17711]');
      expect(r.hitsOn).toBeGreaterThan(20);
      expect(r.hitsOff).toBe(0);
      // Memoized, a naive fib that would take 2^80 calls finishes at once.
      const deep = runProgramText('(= (fib $n) (if (< $n 2) $n (+ (fib (- $n 1)) (fib (- $n 2)))))\n!(fib 80)', '/tmp/memo.metta');
      expect(deep.out).toBe('[23416728348467685]\n');
    });

    it('never answers from results computed before the space changed', () => {
      const r = memoBoth(`
(= (base) 1)
(= (f $x) (+ $x (base)))
!(f 1)
!(f 1)
!(add-atom &self (= (base) 10))
!(f 1)
!(remove-atom &self (= (base) 1))
!(f 1)`);
      expect(r.on).toBe(r.off);
      expect(r.on).toContain('[2]\n[2]\n[()]\n[2, 11]\n[()]\n[11]');
      expect(r.hitsOn).toBeGreaterThan(0);
    });

    it('keeps compiled sets and their memos across writes of facts, not of rules', () => {
      const r = memoBoth(`
(= (fib $n) (if (< $n 2) $n (+ (fib (- $n 1)) (fib (- $n 2)))))
(= (note $k) (add-atom &self (seen $k (fib $k))))
!(note 18)
!(note 19)
!(fib 20)
!(match &self (seen $k $v) ($k $v))
!(add-atom &self (= (fib 20) twenty))
!(fib 20)`);
      expect(r.on).toBe(r.off);
      expect(r.on).toContain('[6765]\n[(18 2584), (19 4181)]\n[()]\n[6765, twenty]');
      // The same call again: after no write, after a fact and after a rule.
      const fib = '(= (fib $n) (if (< $n 2) $n (+ (fib (- $n 1)) (fib (- $n 2)))))\n!(fib 18)\n';
      const noWrite = memoBoth(`${fib}!(fib 18)`);
      const afterFact = memoBoth(`${fib}!(add-atom &self (edge a b))\n!(fib 18)`);
      const afterRule = memoBoth(`${fib}!(add-atom &self (= (other) 1))\n!(fib 18)`);
      expect(afterFact.hitsOn).toBe(noWrite.hitsOn);
      expect(afterRule.hitsOn).toBeGreaterThan(noWrite.hitsOn + 5);
    });

    it('is switched by pragma! memoize, which takes only True or False', () => {
      const before = compiledTierStats.memoHits;
      const r = runProgramText(
        `
!(pragma! memoize False)
(= (fib $n) (if (< $n 2) $n (+ (fib (- $n 1)) (fib (- $n 2)))))
!(fib 15)
!(pragma! memoize maybe)`,
        '/tmp/memo.metta',
      );
      expect(r.out).toContain('[610]');
      expect(compiledTierStats.memoHits).toBe(before);
      expect(r.out + r.err).toContain('pragma! memoize expects True or False, got maybe');
    });
  });
});
