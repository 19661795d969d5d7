// How long the forms of a batch take, to predict whether the rest of it pays for the worker pool.
// The prediction is the median of the most recent forms, not the mean since the start: the first
// forms of a run pay for a cold JIT and, with memoization, for filling the memo, and later forms of
// the same shape can be a hundred times cheaper (400 × `(fib 14)` is one real evaluation and 399
// cache hits). A mean over them starts threads for work that never comes.

/** Forms the median is taken over. */
const WINDOW = 16;

export class FormClock {
  private readonly recent: number[] = [];
  private next = 0;
  /** Forms timed, and their time in all (milliseconds). */
  forms = 0;
  ms = 0;

  add(ms: number): void {
    this.forms++;
    this.ms += ms;
    if (this.recent.length < WINDOW) this.recent.push(ms);
    else this.recent[this.next] = ms;
    this.next = (this.next + 1) % WINDOW;
  }

  /** The median time of the most recent forms (0 before any). */
  typicalMs(): number {
    if (this.recent.length === 0) return 0;
    const sorted = [...this.recent].sort((a, b) => a - b);
    const m = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
  }

  /**
   * Whether enough was seen to predict from: a full window, or fewer forms that already took
   * `settledMs` (forms slow enough that waiting for a full window would waste the pool's time).
   */
  settled(settledMs: number): boolean {
    return this.forms >= WINDOW || (this.forms >= 2 && this.ms >= settledMs);
  }

  /** Predicted milliseconds of `forms` more forms. */
  predict(forms: number): number {
    return this.typicalMs() * forms;
  }
}
