// Reading MeTTa source files: strict UTF-8. Node's 'utf8' decoding replaces invalid bytes with
// U+FFFD silently, which turned a corrupt file into a program that ran (or into a misleading
// "unbalanced parentheses"); here the first invalid byte is a syntax error at its line and column.
// Imports only errors.ts: the CLI's main thread reads files before it loads the interpreter.

import { isAscii } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { MettaSyntaxError } from './errors.js';

const strict = new TextDecoder('utf-8', { fatal: true });

/** Offset of the first byte that is not part of well-formed UTF-8 (RFC 3629), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      // No overlong forms (E0 80..9F) and no surrogates (ED A0..BF).
      min = b === 0xe0 ? 0xa0 : 0x80;
      if (b === 0xed) max = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = b === 0xf0 ? 0x90 : 0x80;
      if (b === 0xf4) max = 0x8f;
    } else return i;
    if (i + need >= n) return i; // truncated at the end of the file
    const second = bytes[i + 1]!;
    if (second < min || second > max) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k]!;
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** `bytes` as text; a byte sequence that is not UTF-8 is a MettaSyntaxError at its position in `file`. */
export function decodeSource(bytes: Uint8Array, file: string): string {
  // ASCII is UTF-8 as it is, and copied to a string a third faster than the checking decoder does
  // (a 20 MB knowledge base: 56 against 80 ms).
  if (isAscii(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  try {
    return strict.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const before = strict.decode(bytes.subarray(0, Math.max(0, at)));
    const lineStart = before.lastIndexOf('\n') + 1;
    let line = 1;
    for (let i = 0; i < lineStart; i++) if (before.charCodeAt(i) === 10) line++;
    // Columns count code points, as the parser's do.
    const column = [...before.slice(lineStart)].length + 1;
    const hex = bytes[at]!.toString(16).padStart(2, '0');
    throw new MettaSyntaxError(`invalid UTF-8 (byte 0x${hex}): source files must be UTF-8`, { file, line, column });
  }
}

/** The file at `path` as strictly decoded UTF-8 text (read errors are thrown as they are). */
export function readSourceFile(path: string, shownAs: string = path): string {
  return decodeSource(readFileSync(path), shownAs);
}
