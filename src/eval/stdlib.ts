// The standard library: every built-in group registered into an environment.

import type { Environment } from './environment.js';
import { controlBuiltins } from './builtins/control.js';
import { registerAll } from './builtins/define.js';
import { numberBuiltins, numberTokens } from './builtins/numbers.js';
import { spaceBuiltins } from './builtins/spaces.js';

export function installStdlib(env: Environment): void {
  registerAll(env, controlBuiltins);
  registerAll(env, numberBuiltins);
  registerAll(env, spaceBuiltins);
  for (const [word, atom] of numberTokens) env.tokens.define(word, atom);
}
