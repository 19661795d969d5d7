// Whether the text typed into the REPL so far is a complete entry, or the user is still typing one
// (SPEC §1 lexical rules): an open parenthesis, an unterminated string literal (a newline inside a
// string is part of it), or a trailing lone `!` waiting for its atom all ask for another line.
// Everything else is complete — including text the reader will reject (a stray `)`), so that the
// error is reported at once instead of the prompt waiting for input that cannot fix it.

export type InputState =
  /** Nothing but blanks and comments. */
  | { readonly kind: 'empty' }
  | { readonly kind: 'complete' }
  /** `depth` parentheses are open; `inString` when the text ends inside a string literal. */
  | { readonly kind: 'incomplete'; readonly depth: number; readonly inString: boolean };

const OPEN = 0x28;
const CLOSE = 0x29;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SEMICOLON = 0x3b;
const NEWLINE = 0x0a;
const BANG = 0x21;

/** The whitespace the reader skips (parser.ts `isSpace`). */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c || c === 0xa0 || c === 0xfeff ||
    (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x3000 || c === 0x85 ||
    c === 0x1680 || c === 0x202f || c === 0x205f;
}

/** Ends a word as the reader does. */
function endsWord(c: number): boolean {
  return Number.isNaN(c) || isSpace(c) || c === OPEN || c === CLOSE;
}

export function inputState(text: string): InputState {
  let depth = 0;
  let inString = false;
  let sawAtom = false;
  /** A lone `!` was read and no atom has followed it yet (at depth 0). */
  let pendingBang = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++; // the escaped character, whatever it is
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (isSpace(c)) continue;
    if (c === SEMICOLON) {
      while (i < text.length && text.charCodeAt(i) !== NEWLINE) i++;
      continue;
    }
    sawAtom = true;
    if (c === QUOTE) {
      inString = true;
      if (depth === 0) pendingBang = false;
      continue;
    }
    if (c === OPEN) {
      depth++;
      if (depth === 1) pendingBang = false;
      continue;
    }
    if (c === CLOSE) {
      // A stray `)` is the reader's error to report; more input cannot fix it, so do not wait.
      if (depth === 0) return { kind: 'complete' };
      depth--;
      continue;
    }
    // At the top level, `!` directly before `"` or `;` is the evaluation mark on its own (parser.ts
    // `peekBang`); the string or comment after it is read next.
    if (c === BANG && depth === 0) {
      const after = text.charCodeAt(i + 1);
      if (after === QUOTE || after === SEMICOLON) {
        if (pendingBang) return { kind: 'complete' }; // `! !`: the reader's error, as above
        pendingBang = true;
        continue;
      }
    }
    // A word: it runs to the next blank or parenthesis, and a `;` ends it too (a comment starts)
    // unless the word is a variable, whose name may hold one; a `"` inside a word belongs to it.
    const start = i;
    const variable = c === 0x24;
    while (i + 1 < text.length && !endsWord(text.charCodeAt(i + 1)) && (variable || text.charCodeAt(i + 1) !== SEMICOLON)) i++;
    if (depth === 0) {
      const lone = c === BANG && i === start;
      if (lone && pendingBang) return { kind: 'complete' };
      pendingBang = lone;
    }
  }
  if (inString || depth > 0) return { kind: 'incomplete', depth, inString };
  if (pendingBang) return { kind: 'incomplete', depth: 0, inString: false };
  return sawAtom ? { kind: 'complete' } : { kind: 'empty' };
}
