// Symbols the compiled tier treats specially (the interpreter's own, by the same interned names).

import { sym } from '../../core/index.js';

export const EMPTY_SYMBOL = sym('Empty');
/** A rule result meaning "leave the call unreduced". */
export const NOT_REDUCIBLE_SYMBOL = sym('NotReducible');
export const EQUALS = sym('=');
