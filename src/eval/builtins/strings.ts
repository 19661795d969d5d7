// Strings and IO (SPEC §5): format-args, sort-strings, repr, parse, print-alternatives!.

import { type Atom, expr, UNIT } from '../../core/index.js';
import { MettaSyntaxError } from '../../core/index.js';
import { Parser } from '../../core/index.js';
import { formatAtom } from '../../core/index.js';
import { str, StringAtom } from '../../core/index.js';
import { type Builtin, values } from '../builtin.js';
import { builtin, expectExpression, fail } from './define.js';
import { rawText } from './spaces.js';

/**
 * `{}` placeholders replaced by the arguments in order (strings unquoted, other atoms as printed);
 * `{{` and `}}` stand for `{` and `}`; placeholders beyond the arguments stay `{}`.
 */
export function formatArgs(format: string, args: readonly Atom[]): string {
  let out = '';
  let next = 0;
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    const d = format[i + 1];
    if (c === '{' && d === '{') {
      out += '{';
      i++;
    } else if (c === '}' && d === '}') {
      out += '}';
      i++;
    } else if (c === '{' && d === '}') {
      out += next < args.length ? rawText(args[next++]!) : '{}';
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

/** Orders strings by Unicode code points (as Rust orders UTF-8 strings). */
function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function expectString(atom: Atom, what: string): string {
  if (!(atom instanceof StringAtom)) fail(`${what} expects a string, got ${formatAtom(atom)}`);
  return atom.value;
}

export const stringBuiltins: Builtin[] = [
  builtin('format-args', '(-> String Expression String)', ([format, args], ctx) =>
    values(ctx, str(formatArgs(expectString(format!, 'format-args'), expectExpression(args!, 'format-args')))),
  ),
  builtin('sort-strings', '(-> Expression Expression)', ([list], ctx) => {
    const items = expectExpression(list!, 'sort-strings');
    const strings = items.map((a) => {
      if (!(a instanceof StringAtom)) fail('sort-strings expects expression with strings as a argument');
      return a;
    });
    return values(ctx, expr(strings.slice().sort((a, b) => compareCodePoints(a.value, b.value))));
  }),
  builtin('repr', '(-> Atom String)', ([atom], ctx) => values(ctx, str(formatAtom(atom!)))),
  builtin('parse', '(-> String Atom)', ([text], ctx) => {
    const source = expectString(text!, 'parse');
    const parser = new Parser(source, '<parse>', ctx.env.tokens);
    let item;
    try {
      item = parser.next();
      if (item !== null && parser.next() !== null) fail(`parse expects exactly one atom, got more in ${formatAtom(text!)}`);
    } catch (e) {
      if (e instanceof MettaSyntaxError) fail(`parse error at ${e.position.line}:${e.position.column}: ${e.reason}`);
      throw e;
    }
    if (item === null) fail('parse expects exactly one atom, got none');
    if (item.exec) fail("parse expects an atom, got '!'");
    return values(ctx, item.atom);
  }),
  builtin('print-alternatives!', '(-> Atom Expression (->))', ([atom, alternatives], ctx) => {
    const list = expectExpression(alternatives!, 'print-alternatives!');
    if (list.length > 0) {
      let text = `${list.length} ${rawText(atom!)}:\n`;
      for (const a of list) text += `    ${rawText(a)}\n`;
      ctx.env.output.stdout(text);
    }
    return values(ctx, UNIT);
  }),
];
