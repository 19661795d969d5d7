import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inputState } from '../../src/cli/input-complete.js';
import { Parser } from '../../src/core/parser.js';
import { MettaSyntaxError } from '../../src/core/errors.js';

const kind = (text: string): string => inputState(text).kind;

describe('REPL input completeness', () => {
  it('blank text and comments are empty', () => {
    for (const t of ['', '   ', '\n\t', '; a comment', '  ; (not (open\n  ']) expect(kind(t)).toBe('empty');
  });

  it('balanced atoms and !forms are complete', () => {
    for (const t of ['a', '(a b)', '!(+ 1 2)', '(a (b (c)))', '!(f)\n(g)', '(a "x)y")', '(a ; open ( in a comment\n)', '!x', '!"s"', '! (f)', '(a) ;']) {
      expect(kind(t), t).toBe('complete');
    }
  });

  it('open parentheses ask for more, with their depth', () => {
    expect(inputState('(a')).toEqual({ kind: 'incomplete', depth: 1, inString: false });
    expect(inputState('!(a (b\n c')).toEqual({ kind: 'incomplete', depth: 2, inString: false });
    expect(inputState('(a) (b')).toEqual({ kind: 'incomplete', depth: 1, inString: false });
    expect(kind('(a ")" ')).toBe('incomplete');
    expect(kind('(a ; )\n')).toBe('incomplete');
  });

  it('an unterminated string asks for more; a newline inside it continues it', () => {
    expect(inputState('(println! "abc')).toEqual({ kind: 'incomplete', depth: 1, inString: true });
    expect(inputState('"abc\ndef')).toEqual({ kind: 'incomplete', depth: 0, inString: true });
    expect(kind('(println! "abc\ndef")')).toBe('complete');
    expect(kind('"a \\" still open')).toBe('incomplete');
    expect(kind('"a \\\\" (b)')).toBe('complete');
    expect(kind('"(" ; ")')).toBe('complete');
  });

  it('a trailing lone ! waits for its atom', () => {
    expect(kind('!')).toBe('incomplete');
    expect(kind('(a) !  ')).toBe('incomplete');
    expect(kind('! ; comment')).toBe('incomplete');
    expect(kind('!;c')).toBe('incomplete');
    expect(kind('!\n(f)')).toBe('complete');
    expect(kind('(a !)')).toBe('complete'); // `!` inside an expression is a symbol
    expect(kind('!a')).toBe('complete');
  });

  it('text the reader rejects is complete, so the error shows at once', () => {
    for (const t of [')', '(a))', ') (b', '! !', '!!"x"', '(a)) (b']) expect(kind(t), t).toBe('complete');
  });

  it('agrees with the reader: complete text never fails for lack of input, incomplete text does', () => {
    const samples = [
      '(a', '(a b)', '"x', '"x"', '!', '!(f', '!(f)', '(a "b) c', '(a "b) c")', '; c\n(a', '(a\n; )\n)', '!"x', '!"x"', '(a \\" b', '"\\"',
      '(a)(b', '(())', '((', '"(\\")"', '$x', '(f $x "a\nb")',
    ];
    for (const t of samples) {
      const state = kind(t);
      let eofError = false;
      try {
        new Parser(t).all();
      } catch (e) {
        if (!(e instanceof MettaSyntaxError)) throw e;
        eofError = /never closed|unterminated string|must be followed by an atom to evaluate$/.test(e.reason);
      }
      expect(state === 'incomplete', `${JSON.stringify(t)}: ${state}`).toBe(eofError);
    }
  });

  it('property: on random text, incomplete exactly when the reader runs out of input', () => {
    const char = fc.constantFrom('(', ')', '"', '\\', ';', '!', 'a', ' ', '\n');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 24 }), (chars) => {
        const text = chars.join('');
        let outcome: 'ok' | 'eof' | 'other' | 'escape' = 'ok';
        try {
          new Parser(text).all();
        } catch (e) {
          if (!(e instanceof MettaSyntaxError)) throw e;
          if (/escape/.test(e.reason)) outcome = 'escape';
          else outcome = /never closed|unterminated string|must be followed by an atom to evaluate$/.test(e.reason) ? 'eof' : 'other';
        }
        // A bad escape inside a string that is still open: waiting for the closing quote is fine.
        if (outcome === 'escape') return;
        const state = inputState(text).kind;
        if (outcome === 'eof') expect(state, JSON.stringify(text)).toBe('incomplete');
        else expect(state, JSON.stringify(text)).not.toBe('incomplete');
      }),
      { numRuns: 3000 },
    );
  });
});
