// Evaluator corner cases (SPEC §3, §4). Expected values follow SPEC and the reference
// interpreter's semantics; they were written before running the evaluator.

import { describe, expect, it } from 'vitest';
import { results, run } from './run.js';

describe('variables in rule heads', () => {
  it('a repeated head variable requires equal arguments', () => {
    expect(results('(= (same $x $x) yes) !(same 1 1) !(same 1 2) !(same (a $v) (a b))')).toEqual(['[yes]', '[(same 1 2)]', '[yes]']);
  });

  it('structured heads destructure their arguments', () => {
    expect(results('(= (swap (pair $a $b)) (pair $b $a)) !(swap (pair 1 2)) !(swap other)')).toEqual(['[(pair 2 1)]', '[(swap other)]']);
  });

  it('a query variable is bound by unifying with a rule head (two-sided)', () => {
    expect(results('(= (lookup key) value) !(let $r (lookup $k) ($k $r))')).toEqual(['[(key value)]']);
  });

  it('a variable in the rule head that is not used in the body stays free', () => {
    expect(results('(= (const $x $y) $x) !(const 1 (anything at all))')).toEqual(['[1]']);
  });

  it('rules with a variable head apply to any head', () => {
    expect(results('(= ($f magic) found) !(anything magic) !(other magic)')).toEqual(['[found]', '[found]']);
  });
});

describe('bindings across sibling arguments', () => {
  it('a binding made in one argument is seen by the next', () => {
    expect(results('(= (set-five $x) (let $x 5 ok)) !((set-five $v) $v (+ $v 1))')).toEqual(['[(ok 5 6)]']);
  });

  it('each alternative keeps its own bindings', () => {
    expect(results('(= (choose $x) (let $x 1 one)) (= (choose $x) (let $x 2 two)) !((choose $v) $v)')).toEqual(['[(one 1), (two 2)]']);
  });

  it('conflicting bindings in siblings remove the branch', () => {
    expect(results('(= (is $x $y) (let $x $y ok)) !((is $v 1) (is $v 2))')).toEqual(['[]']);
    expect(results('(= (is $x $y) (let $x $y ok)) !((is $v 1) (is $v 1))')).toEqual(['[(ok ok)]']);
  });
});

describe('renaming apart of rule variables', () => {
  it('a rule used twice in one expression', () => {
    expect(results('(= (id2 $x) $x) !((id2 1) (id2 2))')).toEqual(['[(1 2)]']);
    expect(results('(= (wrap $x) (w $x)) !(pair (wrap a) (wrap (wrap b)))')).toEqual(['[(pair (w a) (w (w b)))]']);
  });

  it('rule variables that clash with query variables', () => {
    expect(results('(= (f $x) (g $x)) !(let $x 5 ((f 1) $x))')).toEqual(['[((g 1) 5)]']);
    expect(results('(= (f $x) (g $x)) !((f $x) $x)')[0]).toMatch(/^\[\(\(g \$x[#\d]*\) \$x[#\d]*\)\]$/);
    // The query's $x is bound to the rule's $x only, not to the rule's other variables.
    expect(results('(= (k $x $y) $y) !(let $r (k $y 7) ($r $y))')).toEqual(['[(7 $y)]']);
  });

  it('recursion uses fresh variables at every depth', () => {
    const src = `
      (= (len Nil) 0)
      (= (len (Cons $h $t)) (+ 1 (len $t)))
      (= (app Nil $ys) $ys)
      (= (app (Cons $x $xs) $ys) (Cons $x (app $xs $ys)))
      !(len (Cons a (Cons b (Cons c Nil))))
      !(app (Cons 1 (Cons 2 Nil)) (Cons 3 Nil))`;
    expect(results(src)).toEqual(['[3]', '[(Cons 1 (Cons 2 (Cons 3 Nil)))]']);
  });

  it('a free variable of a rule body is a new variable per use', () => {
    const lines = results('(= (mk) (box $fresh)) !(let (box $a) (mk) (let (box $b) (mk) (let $a 1 (let $b 2 ($a $b)))))');
    expect(lines).toEqual(['[(1 2)]']);
  });
});

describe('nested nondeterminism', () => {
  it('superpose inside superpose flattens in order', () => {
    expect(results('!(superpose ((superpose (a b)) (superpose (c (superpose (d e)))) f))')).toEqual(['[a, b, c, d, e, f]']);
  });

  it('nondeterministic arguments give the Cartesian product, first argument slowest', () => {
    expect(results('!(t (superpose (1 2)) (superpose (a b)) (superpose (x y)))')).toEqual([
      '[(t 1 a x), (t 1 a y), (t 1 b x), (t 1 b y), (t 2 a x), (t 2 a y), (t 2 b x), (t 2 b y)]',
    ]);
  });

  it('nondeterministic rules inside nondeterministic arguments', () => {
    const src = `
      (= (digit) 1) (= (digit) 2)
      (= (twice $x) $x) (= (twice $x) (* 10 $x))
      !(pair (twice (digit)) (digit))`;
    expect(results(src)).toEqual(['[(pair 1 1), (pair 1 2), (pair 10 1), (pair 10 2), (pair 2 1), (pair 2 2), (pair 20 1), (pair 20 2)]']);
  });

  it('rules fire in definition order and each result is evaluated in turn', () => {
    const src = `
      (= (r) (superpose (a b))) (= (r) c) (= (r) (superpose (d e)))
      !(r)
      !(collapse (r))`;
    expect(results(src)).toEqual(['[a, b, c, d, e]', '[(a b c d e)]']);
  });

  it('a Pythagorean search through nondeterministic rules keeps SPEC order', () => {
    const src = `
      (= (n) (superpose (1 2 3 4 5)))
      !(let* (($a (n)) ($b (n)) ($c (n))) (if (and (< $a $b) (== (+ (* $a $a) (* $b $b)) (* $c $c))) ($a $b $c) (empty)))`;
    expect(results(src)).toEqual(['[(3 4 5)]']);
  });
});

describe('error filtering among alternatives', () => {
  it('errors are dropped when some alternative succeeds', () => {
    expect(results('(= (f) (Error (f) no)) (= (f) yes) (= (f) (Error (f) again)) !(f)')).toEqual(['[yes]']);
  });

  it('errors are kept when every alternative is an error', () => {
    expect(results('(= (f) (Error (f) no)) (= (f) (Error (f) again)) !(f)')).toEqual(['[(Error (f) no), (Error (f) again)]']);
  });

  it('an error argument makes the call that error; other combinations go on', () => {
    expect(results('!(pair (+ 1 "a") x)')).toEqual(['[(Error (+ 1 "a") (BadArgType 2 Number String))]']);
    expect(results('!(pair (superpose ((+ 1 "a") 2)) x)')).toEqual(['[(pair 2 x)]']);
  });

  it('an error is a value: it is not evaluated further', () => {
    expect(results('(= (boom) (Error (boom) (+ 1 2))) !(boom)')).toEqual(['[(Error (boom) (+ 1 2))]']);
  });
});

describe('Empty propagation', () => {
  it('an argument with no results removes the call', () => {
    expect(results('!(pair (empty) x)')).toEqual(['[]']);
    expect(results('!(+ 1 (empty))')).toEqual(['[]']);
    expect(results('(= (nothing) (empty)) !(pair a (nothing))')).toEqual(['[]']);
  });

  it('later arguments are not evaluated once an argument is empty', () => {
    const r = run('!(pair (empty) (println! "should not print"))');
    expect(r.out).toBe('[]\n');
  });

  it('a rule result Empty is no result', () => {
    expect(results('(= (f) Empty) (= (f) kept) !(f)')).toEqual(['[kept]']);
  });

  it('a call with no rule and no built-in is its own result, not Empty', () => {
    expect(results('!(unknown-head 1 2)')).toEqual(['[(unknown-head 1 2)]']);
  });
});

describe('Atom return type', () => {
  it('stops re-evaluation of the result', () => {
    expect(results('(: raw (-> Atom)) (= (raw) (+ 1 2)) !(raw)')).toEqual(['[(+ 1 2)]']);
    expect(results('(: cooked (-> Number)) (= (cooked) (+ 1 2)) !(cooked)')).toEqual(['[3]']);
  });

  it('an Atom-typed result used as an argument is evaluated by the caller when its type asks', () => {
    expect(results('(: raw (-> Atom)) (= (raw) (+ 1 2)) !(let $x (raw) (quote $x)) !(* 2 (raw))')).toEqual(['[(quote (+ 1 2))]', '[(* 2 (+ 1 2))]']);
  });
});

describe('tail calls and depth', () => {
  it('a 100,000-deep tail-recursive loop completes', () => {
    expect(results('(= (loop $n) (if (== $n 0) done (loop (- $n 1)))) !(loop 100000)')).toEqual(['[done]']);
  });

  it('a 100,000-deep non-tail recursion completes without a JavaScript stack overflow', () => {
    expect(results('(= (sum $n) (if (== $n 0) 0 (+ $n (sum (- $n 1))))) !(sum 100000)')).toEqual(['[5000050000]']);
  });

  it('a configured max-stack-depth stops deep recursion with StackOverflow', () => {
    const lines = results('(= (down $n) (if (== $n 0) 0 (+ 1 (down (- $n 1))))) !(pragma! max-stack-depth 500) !(case (down 100000) (((Error $a $m) $m) ($x $x)))');
    expect(lines).toEqual(['[()]', '[StackOverflow]']);
  });
});

describe('type-directed argument evaluation', () => {
  it('Atom arguments arrive unevaluated, typed ones evaluated, in order', () => {
    const src = `
      (: f (-> Atom Number Atom))
      (= (f $a $n) (got $a $n))
      !(f (+ 1 1) (+ 2 2))`;
    expect(results(src)).toEqual(['[(got (+ 1 1) 4)]']);
  });

  it('a meta-type parameter takes a matching argument as written', () => {
    const src = `
      (: e (-> Expression Atom)) (= (e $x) $x)
      (: v (-> Variable Atom)) (= (v $x) $x)
      !(e (+ 1 2))
      !(v $q)`;
    expect(results(src)).toEqual(['[(+ 1 2)]', '[$q]']);
  });

  it('a parametric type binds its variable from an earlier argument', () => {
    const src = `
      (: same-type (-> $t $t Bool))
      (= (same-type $a $b) True)
      !(same-type 1 (+ 1 1))
      !(same-type 1 "a")`;
    expect(results(src)).toEqual(['[True]', '[(Error (same-type 1 "a") (BadArgType 2 Number String))]']);
  });

  it('an untyped head evaluates every element, head included', () => {
    expect(results('(= (op) +) !((op) 1 2)')).toEqual(['[3]']);
  });
});

describe('top-level errors and output', () => {
  it('a top-level error result stops the run unless keep-going', () => {
    const src = '!(+ 1 1) !(/ 1 0) !(+ 2 2)';
    const stopped = run(src, false);
    expect(stopped.lines).toEqual(['[2]', '[(Error (/ 1 0) DivisionByZero)]']);
    expect(stopped.exitCode).not.toBe(0);
    const going = run(src, true);
    expect(going.lines).toEqual(['[2]', '[(Error (/ 1 0) DivisionByZero)]', '[4]']);
    expect(going.exitCode).not.toBe(0);
  });

  it('an error dropped among successful alternatives does not stop the run', () => {
    const r = run('(= (f) (Error (f) no)) (= (f) yes) !(f) !(done)', false);
    expect(r.lines).toEqual(['[yes]', '[(done)]']);
    expect(r.exitCode).toBe(0);
  });

  it('trace! writes to stderr and println! to stdout', () => {
    const r = run('!(trace! "traced" (println! "printed"))');
    expect(r.out).toBe('printed\n[()]\n');
    expect(r.err).toBe('traced\n');
  });
});

describe('declared types follow the writes that can change them', () => {
  it('a fact write keeps the type caches; a declaration, its removal and a variable-head atom change them', () => {
    const src = `!(get-type foo) !(add-atom &self (edge a b)) !(get-type foo) !(add-atom &self (: foo Bar)) !(get-type foo)
      !(remove-atom &self (: foo Bar)) !(get-type foo) !(add-atom &self ($h foo Baz)) !(get-type foo)`;
    expect(results(src).filter((l) => l !== '[()]')).toEqual(['[%Undefined%]', '[%Undefined%]', '[Bar]', '[%Undefined%]', '[Baz]']);
  });
});

describe('errors thrown while a built-in resumes', () => {
  it('a malformed case is the call’s error, and the program goes on', () => {
    expect(results('!(case (1 2) ((($a $b)))) !(+ 1 1)')).toEqual([
      '[(Error (case (1 2) ((($a $b)))) case expects cases of the form (pattern body), got (($a $b)))]',
      '[2]',
    ]);
  });
});
