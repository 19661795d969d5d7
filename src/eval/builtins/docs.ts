// Documentation (SPEC §5): @doc, @desc, @params, @param, @return, get-doc, help!.
//
// Documentation is data: `(@doc name (@desc "...") (@params ((@param "..") ...)) (@return ".."))`
// (or just `(@doc name (@desc ".."))` for a non-function atom) added to the program's space.
// `get-doc` reads it back in the reference's formal shape, with the types filled in from the
// name's declared type:
//   (@doc-formal (@item name) (@kind function) (@type T) (@desc "..")
//                (@params ((@param (@type T1) (@desc "..")) ...)) (@return (@type R) (@desc "..")))
// `help!` prints that in readable form.

import { type Atom, expr, type ExpressionAtom, isExpression, isSymbol, sym, variable } from '../../core/index.js';
import type { Bindings } from '../../core/index.js';
import { str } from '../../core/index.js';
import { type Builtin, errorAtom, NOT_REDUCIBLE, type OpContext, type Outcome, values } from '../builtin.js';
import { getTypes, isFunctionType, splitFunctionType, UNDEFINED } from '../types.js';
import { builtin } from './define.js';
import { guarded } from './sequencing.js';
import { rawText } from './spaces.js';
import { builtinDocs } from './stdlib-docs.js';

const DOC = sym('@doc');
const DOC_FORMAL = sym('@doc-formal');
const ITEM = sym('@item');
const KIND = sym('@kind');
const TYPE = sym('@type');
const DESC = sym('@desc');
const PARAMS = sym('@params');
const PARAM = sym('@param');
const RETURN = sym('@return');
const FUNCTION = sym('function');
const ATOM = sym('atom');

const DESC_VAR = variable('desc#');
const PARAMS_VAR = variable('params#');
const RET_VAR = variable('ret#');

/** `(f a b ...)` of the expected shape: its children, else null. */
function shape(atom: Atom, head: Atom, length: number): readonly Atom[] | null {
  if (!isExpression(atom) || atom.children.length !== length || atom.children[0] !== head) return null;
  return atom.children;
}

function noDocumentation(): Atom {
  return expr([DESC, str('No documentation')]);
}

interface FunctionDoc {
  readonly desc: Atom;
  readonly params: Atom;
  readonly ret: Atom;
}

/** `(@doc-formal ...)` of a function: its documented parameters typed with the function's type. */
function functionDoc(name: Atom, type: Atom, docs: readonly FunctionDoc[]): Atom[] {
  const head = [DOC_FORMAL, expr([ITEM, name]), expr([KIND, FUNCTION]), expr([TYPE, type])];
  if (docs.length === 0) return [expr([...head, noDocumentation()])];
  const split = isFunctionType(type) ? splitFunctionType(type) : null;
  return docs.map(({ desc, params, ret }) => {
    const paramList = isExpression(params) ? params.children : [];
    const typeOf = (i: number): Atom => (split === null ? UNDEFINED : (split.args[i] ?? UNDEFINED));
    const formalParams = paramList.map((p, i) => {
      const informal = shape(p, PARAM, 2);
      return informal === null ? p : expr([PARAM, expr([TYPE, typeOf(i)]), expr([DESC, informal[1]!])]);
    });
    const informalRet = shape(ret, RETURN, 2);
    const retType = split === null ? UNDEFINED : split.ret;
    const formalRet = informalRet === null ? ret : expr([RETURN, expr([TYPE, retType]), expr([DESC, informalRet[1]!])]);
    return expr([...head, desc, expr([PARAMS, expr(formalParams)]), formalRet]);
  });
}

/** Every `(@doc-formal ...)` of `atom`, as `get-doc` returns them (one per type of the atom). */
function docsOf(ctx: OpContext, atom: Atom, then: (docs: Atom[]) => Outcome): Outcome {
  const space = ctx.env.self.space;
  return {
    kind: 'query',
    space,
    pattern: expr([DOC, atom, DESC_VAR]),
    then: (atomAnswers: Bindings[]) => ({
      kind: 'query',
      space,
      pattern: expr([DOC, atom, DESC_VAR, expr([PARAMS, PARAMS_VAR]), RET_VAR]),
      then: (functionAnswers: Bindings[]) =>
        guarded(ctx, () => {
          const fnDocs: FunctionDoc[] = functionAnswers.map((b) => ({
            desc: b.resolve(DESC_VAR),
            params: b.resolve(PARAMS_VAR),
            ret: b.resolve(RET_VAR),
          }));
          const atomDescs = atomAnswers.map((b) => b.resolve(DESC_VAR));
          if (fnDocs.length === 0 && atomDescs.length === 0 && isSymbol(atom) && ctx.env.builtin(atom) !== undefined) {
            // A built-in the program did not document itself: the library's documentation.
            for (const doc of builtinDocs(atom)) {
              const c = (doc as ExpressionAtom).children;
              const params = c.length === 5 ? shape(c[3]!, PARAMS, 2) : null;
              if (params !== null) fnDocs.push({ desc: c[2]!, params: params[1]!, ret: c[4]! });
              else if (c.length === 3) atomDescs.push(c[2]!);
            }
          }
          const types = getTypes(ctx.env.types(space), atom);
          const out: Atom[] = [];
          for (const type of types) {
            if (!isExpression(atom) && isFunctionType(type)) {
              out.push(...functionDoc(atom, type, fnDocs));
            } else if (atomDescs.length > 0) {
              for (const desc of atomDescs) out.push(expr([DOC_FORMAL, expr([ITEM, atom]), expr([KIND, ATOM]), expr([TYPE, type]), desc]));
            } else if (fnDocs.length > 0) {
              out.push(...functionDoc(atom, UNDEFINED, fnDocs));
            } else {
              out.push(expr([DOC_FORMAL, expr([ITEM, atom]), expr([KIND, ATOM]), expr([TYPE, type]), noDocumentation()]));
            }
          }
          return then(out);
        }),
    }),
  };
}

/** The text `help!` prints for one formal documentation atom, or null when it has another shape. */
function helpText(doc: Atom): string | null {
  const c = isExpression(doc) && doc.children[0] === DOC_FORMAL ? doc.children : null;
  if (c === null || (c.length !== 5 && c.length !== 7)) return null;
  const item = shape(c[1]!, ITEM, 2);
  const kind = shape(c[2]!, KIND, 2);
  const type = shape(c[3]!, TYPE, 2);
  const desc = shape(c[4]!, DESC, 2);
  if (item === null || kind === null || type === null || desc === null) return null;
  const title = kind[1] === FUNCTION ? 'Function' : kind[1] === ATOM ? 'Atom' : null;
  if (title === null) return null;
  let text = `${title} ${rawText(item[1]!)}: ${rawText(type[1]!)} ${rawText(desc[1]!)}\n`;
  if (c.length === 5) return text;
  if (kind[1] !== FUNCTION) return null;
  const params = shape(c[5]!, PARAMS, 2);
  const ret = shape(c[6]!, RETURN, 3);
  if (params === null || ret === null || !isExpression(params[1]!)) return null;
  text += 'Parameters:\n';
  for (const p of params[1].children) {
    const param = shape(p, PARAM, 3);
    const pType = param === null ? null : shape(param[1]!, TYPE, 2);
    const pDesc = param === null ? null : shape(param[2]!, DESC, 2);
    if (pType === null || pDesc === null) return null;
    text += `  (type ${rawText(pType[1]!)}) ${rawText(pDesc[1]!)}\n`;
  }
  const rType = shape(ret[1]!, TYPE, 2);
  const rDesc = shape(ret[2]!, DESC, 2);
  if (rType === null || rDesc === null) return null;
  return text + `Return: (type ${rawText(rType[1]!)}) ${rawText(rDesc[1]!)}\n`;
}

/** Documentation constructors are data: they stay as written. */
function constructor(name: string, type: string | null): Builtin {
  return builtin(name, type, () => NOT_REDUCIBLE);
}

export const docBuiltins: Builtin[] = [
  // @doc, @param and @return have two forms each in the reference (informal and formal), so they
  // are left untyped here; @desc and @params have one.
  constructor('@doc', null),
  constructor('@desc', '(-> String DocDescription)'),
  constructor('@params', '(-> Expression DocParameters)'),
  constructor('@param', null),
  constructor('@return', null),
  builtin('get-doc', '(-> Atom Atom)', ([atom], ctx) => docsOf(ctx, atom!, (docs) => values(ctx, ...docs))),
  builtin('help!', '(-> Atom (->))', ([atom], ctx) =>
    docsOf(ctx, atom!, (docs) => {
      const out: Atom[] = [];
      for (const doc of docs) {
        const text = helpText(doc);
        if (text === null) {
          out.push(errorAtom(doc, str('Cannot match @doc-formal structure')));
          continue;
        }
        ctx.env.output.stdout(text);
        out.push(expr([]));
      }
      return values(ctx, ...out);
    }),
  ),
];
