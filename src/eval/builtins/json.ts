// The optional module `json` (SPEC §5), loaded with `!(import! &self json)`:
// `(json-encode atom)` gives JSON text as a String, `(json-decode text)` gives the atom back.
//
//   JSON                      MeTTa
//   number without . or e    integer (exact, any size)
//   other number              float (encoded with a fractional part or exponent: 3.0, 1e20)
//   string                    String
//   true / false              True / False
//   null                      the symbol null
//   [a, b]                    the expression (a b); [] is ()
//   {"k": v, ...}             (Dict ("k" v) ...), keys as Strings, in text order, duplicates kept
//
// Encoding also accepts other symbols (written as JSON strings of their names) and numbers or
// symbols as Dict keys; it rejects variables, non-finite floats and grounded objects (spaces,
// states). Output is compact (no spaces). Both directions are iterative, so nesting depth is not
// limited by the JavaScript stack.

import { type Atom, AtomKind, expr, isExpression, sym } from '../../core/atoms.js';
import { formatAtom } from '../../core/printer.js';
import { BoolAtom, float, FloatAtom, formatFloat, int, IntAtom, str, StringAtom } from '../../core/values.js';
import { type Builtin, values } from '../builtin.js';
import type { Environment } from '../environment.js';
import { builtin, fail } from './define.js';
import type { OptionalModule } from './modules.js';

const DICT = sym('Dict');
const NULL = sym('null');

function keyText(key: Atom): string {
  if (key instanceof StringAtom) return key.value;
  if (key.kind === AtomKind.Symbol) return key.name;
  if (key instanceof IntAtom || key instanceof FloatAtom) return key.print();
  fail(`json-encode: a Dict key must be a string, symbol or number, got ${formatAtom(key)}`);
}

/** JSON text of `atom`. */
export function encodeJson(atom: Atom): string {
  const out: string[] = [];
  const stack: (Atom | string)[] = [atom];
  while (stack.length > 0) {
    const a = stack.pop()!;
    if (typeof a === 'string') {
      out.push(a);
      continue;
    }
    switch (a.kind) {
      case AtomKind.Symbol:
        out.push(a === NULL ? 'null' : JSON.stringify(a.name));
        break;
      case AtomKind.Variable:
        fail(`json-encode cannot encode the variable $${a.name}`);
        break;
      case AtomKind.Grounded:
        if (a instanceof IntAtom) out.push(a.value.toString());
        else if (a instanceof FloatAtom) {
          if (!Number.isFinite(a.value)) fail(`json-encode cannot encode the float ${a.print()}`);
          out.push(formatFloat(a.value));
        } else if (a instanceof StringAtom) out.push(JSON.stringify(a.value));
        else if (a instanceof BoolAtom) out.push(a.value ? 'true' : 'false');
        else fail(`json-encode cannot encode ${formatAtom(a)}`);
        break;
      case AtomKind.Expression: {
        const c = a.children;
        if (c.length > 0 && c[0] === DICT) {
          stack.push('}');
          for (let i = c.length - 1; i >= 1; i--) {
            const pair = c[i]!;
            if (!isExpression(pair) || pair.children.length !== 2) fail(`json-encode: a Dict holds (key value) pairs, got ${formatAtom(pair)}`);
            stack.push(pair.children[1]!);
            stack.push(JSON.stringify(keyText(pair.children[0]!)) + ':');
            if (i > 1) stack.push(',');
          }
          out.push('{');
        } else {
          stack.push(']');
          for (let i = c.length - 1; i >= 0; i--) {
            stack.push(c[i]!);
            if (i > 0) stack.push(',');
          }
          out.push('[');
        }
        break;
      }
    }
  }
  return out.join('');
}

type Container = { readonly items: Atom[]; key: string | null; readonly object: boolean };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** The atom JSON `text` stands for. */
export function decodeJson(text: string): Atom {
  let pos = 0;
  const error = (reason: string): never => fail(`json-decode: ${reason} at character ${pos + 1}`);
  const skip = (): void => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) pos++;
      else break;
    }
  };
  const readString = (): string => {
    if (text[pos] !== '"') error('expected a string');
    const start = pos;
    pos++;
    for (;;) {
      if (pos >= text.length) {
        pos = start;
        error('unterminated string');
      }
      const c = text.charCodeAt(pos);
      if (c === 0x22) break;
      if (c < 0x20) error('control character in string');
      pos += c === 0x5c ? 2 : 1;
    }
    pos++;
    try {
      return JSON.parse(text.slice(start, pos)) as string;
    } catch {
      pos = start;
      return error('invalid escape in string');
    }
  };
  const readKey = (top: Container): void => {
    skip();
    top.key = readString();
    skip();
    if (text[pos] !== ':') error("expected ':'");
    pos++;
  };
  const literal = (word: string, atom: Atom): Atom => {
    if (!text.startsWith(word, pos)) error(`expected ${word}`);
    pos += word.length;
    return atom;
  };

  const stack: Container[] = [];
  for (;;) {
    skip();
    if (pos >= text.length) error('unexpected end of input');
    const c = text[pos]!;
    let value: Atom;
    if (c === '[' || c === '{') {
      pos++;
      skip();
      const object = c === '{';
      if (text[pos] === (object ? '}' : ']')) {
        pos++;
        value = expr(object ? [DICT] : []);
      } else {
        const container: Container = { items: object ? [DICT] : [], key: null, object };
        if (object) readKey(container);
        stack.push(container);
        continue;
      }
    } else if (c === '"') value = str(readString());
    else if (c === 't') value = literal('true', BoolAtom.TRUE);
    else if (c === 'f') value = literal('false', BoolAtom.FALSE);
    else if (c === 'n') value = literal('null', NULL);
    else {
      NUMBER.lastIndex = pos;
      const m = NUMBER.exec(text);
      if (m === null) error('unexpected character');
      const word = m![0];
      pos += word.length;
      value = /[.eE]/.test(word) ? float(Number(word)) : int(BigInt(word));
    }
    // Attach the value to the open containers, closing those that end here.
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        skip();
        if (pos < text.length) error('unexpected text after the JSON value');
        return value;
      }
      top.items.push(top.object ? expr([str(top.key!), value]) : value);
      skip();
      if (text[pos] === ',') {
        pos++;
        if (top.object) readKey(top);
        break;
      }
      if (text[pos] === (top.object ? '}' : ']')) {
        pos++;
        stack.pop();
        value = expr(top.items);
        continue;
      }
      error(pos >= text.length ? 'unexpected end of input' : top.object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
  }
}

export function jsonModule(_env: Environment): OptionalModule {
  const builtins: Builtin[] = [
    builtin('json-encode', '(-> %Undefined% String)', ([atom], ctx) => values(ctx, str(encodeJson(atom!)))),
    builtin('json-decode', '(-> String Atom)', ([text], ctx) => {
      if (!(text instanceof StringAtom)) fail(`json-decode expects a string, got ${formatAtom(text!)}`);
      return values(ctx, decodeJson(text.value));
    }),
  ];
  return { builtins };
}
