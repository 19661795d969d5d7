// The stop of a speculative evaluation, apart from the machine so that the compiled tier can
// throw it too.

/**
 * Thrown out of `run()` when a speculative evaluation (a worker's copy of the environment) reaches
 * a built-in that writes: the form must run on the main thread instead.
 */
export class SpeculationAborted extends Error {
  constructor(readonly builtin: string) {
    super(`speculative evaluation reached ${builtin}`);
    this.name = 'SpeculationAborted';
  }
}
