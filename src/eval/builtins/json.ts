// The optional module `json` (SPEC §5), loaded with `!(import! &self json)`, as the reference's
// (hyperon-experimental 0.2.10, lib/src/metta/runner/builtin_mods/json.rs and json.metta):
//
//   MeTTa                      json-encode gives          json-decode gives back
//   integer / float            5, 3.0, 1e20 (serde/ryu)   integer (i64 range), float
//   String "s"                 "s"                        the String of the JSON text, quotes
//                                                         included ("\"s\""), as the reference
//   True / False               true / false               True / False
//   the symbol null            null                       the symbol null
//   other symbol foo           "sym!:foo"                 the symbol foo
//   variable $x                "var!:x"                   the variable $x
//   expression (a b)           [a, b]                     (a b)
//   a space of (key value)     {"key":value, ...}         a new space of ("key" value) atoms
//
// json-encode's argument is not evaluated (type (-> Atom String)). `dict-space`, `get-keys` and
// `get-value` (json.metta in the reference) are built-ins here. Both directions are iterative, so
// nesting depth is not limited by the JavaScript stack. Parse error reasons are ours, not serde's.

import { type Atom, AtomKind, expr, sym, variable } from '../../core/index.js';
import { formatAtom } from '../../core/index.js';
import { BoolAtom, float, FloatAtom, int, IntAtom, str, StringAtom } from '../../core/index.js';
import { type Builtin, type Outcome, type Result, values } from '../builtin.js';
import type { Environment } from '../environment.js';
import { SpaceAtom } from '../objects.js';
import { UNDEFINED } from '../types.js';
import { spaceOf } from './control.js';
import { builtin, expectExpression, fail } from './define.js';
import type { OptionalModule } from './modules.js';

const NULL = sym('null');

/** A float as serde_json (ryu) writes it: shortest digits, `.0` on integral values, `e` outside 1e-5..1e16; non-finite as null. */
export function formatJsonFloat(x: number): string {
  if (!Number.isFinite(x)) return 'null';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expText] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const length = digits.length;
  const kk = Number(expText) + 1; // x = 0.digits × 10^kk
  const k = kk - length; // x = digits × 10^k
  let s: string;
  if (k >= 0 && kk <= 16) s = digits + '0'.repeat(k) + '.0';
  else if (kk > 0 && kk <= 16) s = digits.slice(0, kk) + '.' + digits.slice(kk);
  else if (kk > -5 && kk <= 0) s = '0.' + '0'.repeat(-kk) + digits;
  else if (length === 1) s = digits + 'e' + (kk - 1);
  else s = digits[0]! + '.' + digits.slice(1) + 'e' + (kk - 1);
  return (x < 0 ? '-' : '') + s;
}

/** A String key as the reference writes it: Rust's `{:?}` of the string (quoted, escaped). */
function rustDebugString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c === 0) out += '\\0';
    else if (c < 0x20 || c === 0x7f) out += `\\u{${c.toString(16)}}`;
    else out += ch;
  }
  return out + '"';
}

const NOT_DICT = 'Input space must be a dictionary space consists of key-value pairs only or empty space. Use dict-space function';

/** JSON text of `atom`, as the reference's encode_atom writes it. */
export function encodeJson(atom: Atom): string {
  const out: string[] = [];
  const stack: (Atom | string | { readonly leave: SpaceAtom })[] = [atom];
  const open = new Set<SpaceAtom>(); // spaces being written, to refuse one that holds itself
  while (stack.length > 0) {
    const a = stack.pop()!;
    if (typeof a === 'string') {
      out.push(a);
      continue;
    }
    if ('leave' in a) {
      open.delete(a.leave);
      continue;
    }
    switch (a.kind) {
      case AtomKind.Symbol:
        out.push(a === NULL || a.name === 'null' ? 'null' : JSON.stringify('sym!:' + a.name));
        break;
      case AtomKind.Variable:
        out.push(JSON.stringify('var!:' + a.name));
        break;
      case AtomKind.Grounded:
        if (a instanceof IntAtom) out.push(a.value.toString());
        else if (a instanceof FloatAtom) out.push(formatJsonFloat(a.value));
        else if (a instanceof StringAtom) out.push(JSON.stringify(a.value));
        else if (a instanceof BoolAtom) out.push(a.value ? 'true' : 'false');
        else if (a instanceof SpaceAtom) {
          if (open.has(a)) fail(`json-encode: the space ${formatAtom(a)} contains itself`);
          open.add(a);
          const items = spaceOf(a).atoms();
          const parts: (Atom | string | { readonly leave: SpaceAtom })[] = ['{'];
          items.forEach((item, i) => {
            if (item.kind !== AtomKind.Expression || item.children.length !== 2) fail(NOT_DICT);
            const key = item.children[0]!;
            if (!(key instanceof StringAtom)) fail('Key/value pair is expected, key must be a string');
            if (i > 0) parts.push(', ');
            parts.push(rustDebugString(key.value) + ':', item.children[1]!);
          });
          parts.push('}', { leave: a });
          for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]!);
        } else fail(`Encode failed for atom (unsupported type): ${formatAtom(a)}`);
        break;
      case AtomKind.Expression: {
        const c = a.children;
        stack.push(']');
        for (let i = c.length - 1; i >= 0; i--) {
          stack.push(c[i]!);
          if (i > 0) stack.push(', ');
        }
        out.push('[');
        break;
      }
    }
  }
  return out.join('');
}

type Container = { readonly items: Atom[]; readonly entries: Map<string, Atom>; key: string | null; readonly object: boolean };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const U64_MAX = 2n ** 64n - 1n;

/** A JSON string value as the reference decodes it (its serde text, quotes included, unless sym!:/var!:). */
function decodeString(s: string): Atom {
  const text = JSON.stringify(s);
  if (s.startsWith('sym!:')) return sym(text.slice(6, -1));
  if (s.startsWith('var!:')) return variable(text.slice(6, -1));
  return str(text);
}

function utf8Compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The atom JSON `text` stands for; objects become new spaces of `newSpace`. */
export function decodeJson(text: string, newSpace: () => SpaceAtom): Atom {
  let pos = 0;
  const error = (reason: string): never => fail(`Failed to decode string. Reason: ${reason} at character ${pos + 1}`);
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

  // serde_json's Map is a BTreeMap: keys in byte order, a repeated key keeps its last value.
  const objectSpace = (entries: Map<string, Atom>): SpaceAtom => {
    const space = newSpace();
    for (const key of [...entries.keys()].sort(utf8Compare)) spaceOf(space).add(expr([str(key), entries.get(key)!]));
    return space;
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
        value = object ? newSpace() : expr([]);
      } else {
        const container: Container = { items: [], entries: new Map(), key: null, object };
        if (object) readKey(container);
        stack.push(container);
        continue;
      }
    } else if (c === '"') value = decodeString(readString());
    else if (c === 't') value = literal('true', BoolAtom.TRUE);
    else if (c === 'f') value = literal('false', BoolAtom.FALSE);
    else if (c === 'n') value = literal('null', NULL);
    else {
      NUMBER.lastIndex = pos;
      const m = NUMBER.exec(text);
      if (m === null) error('unexpected character');
      const word = m![0];
      if (/[.eE]/.test(word)) {
        const x = Number(word);
        if (!Number.isFinite(x)) error('number out of range');
        value = float(x);
      } else if (word === '-0') value = float(-0);
      else {
        const n = BigInt(word);
        if (n >= I64_MIN && n <= I64_MAX) value = int(n);
        else if (n > 0n && n <= U64_MAX) fail('Currently u64 type is not supported');
        else value = float(Number(word));
      }
      pos += word.length;
    }
    // Attach the value to the open containers, closing those that end here.
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        skip();
        if (pos < text.length) error('unexpected text after the JSON value');
        return value;
      }
      if (top.object) top.entries.set(top.key!, value);
      else top.items.push(value);
      skip();
      if (text[pos] === ',') {
        pos++;
        if (top.object) readKey(top);
        break;
      }
      if (text[pos] === (top.object ? '}' : ']')) {
        pos++;
        stack.pop();
        value = top.object ? objectSpace(top.entries) : expr(top.items);
        continue;
      }
      error(pos >= text.length ? 'unexpected end of input' : top.object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
  }
}

export function jsonModule(_env: Environment): OptionalModule {
  const KEY = variable('json-key');
  const VALUE = variable('json-value');
  /** `(match space (key $value) template)`. */
  const query = (space: Atom, template: Atom, key: Atom, ctx: Parameters<Builtin['execute']>[1]): Outcome => ({
      kind: 'query',
      space: spaceOf(space),
      pattern: expr([key, VALUE]),
      then: (answers) => {
        const results: Result[] = [];
        for (const answer of answers) {
          const merged = ctx.bindings.merge(answer);
          if (merged !== null) results.push({ atom: answer.resolve(template), bindings: merged });
        }
        return { kind: 'values', results };
      },
    });
  const builtins: Builtin[] = [
    builtin('json-encode', '(-> Atom String)', ([atom], ctx) => values(ctx, str(encodeJson(atom!)))),
    builtin('json-decode', '(-> String Atom)', ([text], ctx) => {
      if (!(text instanceof StringAtom)) fail('json-decode expects string to decode as input');
      return values(ctx, decodeJson(text.value, () => ctx.env.newSpace()));
    }),
    // json.metta: (= (dict-space $expr) (let* (($dictspace (new-space)) ($res (add-reducts $dictspace $expr))) $dictspace)),
    // add-reducts evaluating the tuple (its parameter is %Undefined%) and adding each element as it then is.
    builtin('dict-space', '(-> Expression Grounded)', ([pairs], ctx) => {
      expectExpression(pairs!, 'dict-space');
      const space = ctx.env.newSpace();
      return {
        kind: 'eval',
        atom: pairs!,
        type: UNDEFINED,
        bindings: ctx.bindings,
        then: (results) => {
          for (const r of results) {
            const tuple = r.bindings.resolve(r.atom);
            for (const pair of expectExpression(tuple, 'dict-space')) spaceOf(space).add(pair);
          }
          return { kind: 'values', results: results.map((r) => ({ atom: space, bindings: r.bindings })) };
        },
      };
    }),
    // (= (get-keys $dictspace) (function (chain (unify $dictspace ($key $value) $key Empty) $t (return $t))))
    builtin('get-keys', '(-> Grounded Atom)', ([space], ctx) => query(space!, KEY, KEY, ctx)),
    // (= (get-value $dictspace $key) (match $dictspace ($key $value) $value))
    builtin('get-value', '(-> Grounded Atom %Undefined%)', ([space, key], ctx) => query(space!, VALUE, key!, ctx)),
  ];
  return { builtins };
}
