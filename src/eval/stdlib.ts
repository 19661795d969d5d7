// The standard library: every built-in group registered into an environment.

import type { Environment } from './environment.js';
import { controlBuiltins } from './builtins/control.js';
import { registerAll } from './builtins/define.js';
import { numberBuiltins, numberTokens } from './builtins/numbers.js';
import { spaceBuiltins } from './builtins/spaces.js';
import { atomBuiltins } from './builtins/atoms.js';
import { stringBuiltins } from './builtins/strings.js';
import { assertionBuiltins } from './builtins/assertions.js';
import { docBuiltins } from './builtins/docs.js';
import { moduleBuiltins } from './builtins/modules.js';
import { pragmaBuiltins } from './builtins/pragma.js';

export function installStdlib(env: Environment): void {
  registerAll(env, controlBuiltins);
  registerAll(env, numberBuiltins);
  registerAll(env, spaceBuiltins);
  registerAll(env, atomBuiltins);
  registerAll(env, stringBuiltins);
  registerAll(env, assertionBuiltins);
  registerAll(env, docBuiltins);
  registerAll(env, moduleBuiltins);
  registerAll(env, pragmaBuiltins);
  for (const [word, atom] of numberTokens) env.tokens.define(word, atom);
}
