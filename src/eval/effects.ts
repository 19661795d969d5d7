// What each built-in may do besides computing its values. The parallel runner evaluates `!` forms
// speculatively on worker threads against a copy of the environment; a form that would change
// anything another form can observe must run on the main thread, in order, instead. Every
// built-in is listed here (a test checks that none is missing), so a new built-in cannot be
// parallelised by accident.

/** Effects a built-in call can have. */
export const Effect = {
  /** Only computes values (it may read spaces and states). */
  None: 0,
  /** Writes text (`println!`, `trace!`): captured on a worker and printed in order. */
  Output: 1,
  /** Changes state other forms can see, or depends on process state that must advance in order. */
  Write: 2,
} as const;
export type Effect = (typeof Effect)[keyof typeof Effect];

const OUTPUT = ['println!', 'trace!', 'print-alternatives!', 'help!'];

const WRITE = [
  // spaces and tokens
  'add-atom', 'remove-atom', 'add-reduct', 'add-atoms', 'add-reducts', 'bind!',
  // a new space prints with a process-wide serial number, so it is made where numbering is sequential
  'new-space',
  // json-decode makes a new space of each JSON object, dict-space a new space
  'json-decode', 'dict-space',
  // states
  'change-state!',
  // modules and settings
  'import!', 'include', 'mod-space!', 'pragma!',
  // random generators advance their state
  'random-int', 'random-float', 'flip', 'set-random-seed', 'new-random-generator', 'reset-random-generator',
  // files
  'file-open!', 'file-read-to-string!', 'file-read-exact!', 'file-write!', 'file-seek!', 'file-get-size!', 'file-close!',
];

const NONE = [
  'Error', 'return', 'eval', 'evalc', 'chain', 'unify', 'cons-atom', 'decons-atom', 'function', 'collapse-bind',
  'superpose-bind', 'metta', 'context-space', '@doc', '@desc', '@params', '@param', '@return', 'if', 'let', 'let*',
  'superpose', 'collapse', 'case', 'switch', 'switch-minimal', 'id', 'noeval', 'quote', 'unquote', 'nop', 'empty', 'if-equal', 'if-error',
  'return-on-error', 'if-decons-expr', 'atom-subst', 'sealed', 'capture', '+', '-', '*', '/', '%', '<', '>', '<=', '>=',
  '==', 'and', 'or', 'xor', 'not', 'pow-math', 'log-math', 'sqrt-math', 'sin-math', 'asin-math', 'cos-math',
  'acos-math', 'tan-math', 'atan-math', 'abs-math', 'trunc-math', 'ceil-math', 'floor-math', 'round-math',
  'isnan-math', 'isinf-math', 'match', 'get-atoms', 'new-state', 'get-state', 'get-type', 'get-type-space',
  'get-metatype', 'is-function', 'car-atom', 'cdr-atom', 'size-atom', 'index-atom', 'min-atom', 'max-atom', 'map-atom',
  'filter-atom', 'foldl-atom', 'unique-atom', 'union-atom', 'intersection-atom', 'subtraction-atom', 'unique',
  'union', 'intersection', 'subtraction', 'for-each-in-atom', 'noreduce-eq', '=alpha', 'type-cast', 'format-args',
  'sort-strings', 'repr', 'parse', 'assertEqual', 'assertEqualToResult', 'assertAlphaEqual',
  'assertAlphaEqualToResult', 'assertEqualMsg', 'assertEqualToResultMsg', 'assertAlphaEqualMsg',
  'assertAlphaEqualToResultMsg', 'assertIncludes', 'assert', 'get-doc', 'json-encode', 'get-keys', 'get-value',
];

const effects = new Map<string, Effect>();
for (const name of NONE) effects.set(name, Effect.None);
for (const name of OUTPUT) effects.set(name, Effect.Output);
for (const name of WRITE) effects.set(name, Effect.Write);

/** The effect of the built-in `name`; undefined for a name nobody classified (treated as Write). */
export function declaredEffect(name: string): Effect | undefined {
  return effects.get(name);
}

export function effectOf(name: string): Effect {
  return effects.get(name) ?? Effect.Write;
}
