// The token of the symbol `=`, the head of every rule (interned once, on first use).

import { sym } from '../core/index.js';
import { Tag, token } from '../space/index.js';

let equals = -1;

export function EQUALS_TOKEN(): number {
  if (equals < 0) equals = token(Tag.Sym, sym('=').id);
  return equals;
}
