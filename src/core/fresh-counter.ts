// The count of fresh variables made so far, apart from fresh.ts (which renames atoms and so needs
// bindings.ts) so that bindings.ts can read it without an import cycle.

let counter = 0;

/** How many fresh variables were made so far: fresh variables numbered above it are newer. */
export function freshCount(): number {
  return counter;
}

/** The number of the next fresh variable. */
export function nextFreshNumber(): number {
  return ++counter;
}

/** Makes later fresh variables number above `n` (after restoring atoms that hold `$x#n`). */
export function advanceFreshCount(n: number): void {
  if (n > counter) counter = n;
}
