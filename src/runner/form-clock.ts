// How long the forms of a batch take, to predict whether the rest of it pays for the worker pool.
// The prediction is the median of the most recent forms, not the mean since the start: the first
// forms of a run pay for a cold JIT and, with memoization, for filling the memo, and later forms of
// the same shape can be a hundred times cheaper (400 × `(fib 14)` is one real evaluation and 399
// cache hits). A mean over them starts threads for work that never comes. Forms cheaper than a
// task's own cost on this thread (queueing it, reading its reply) are predicted to give the pool
// nothing at all.

/** Forms the median is taken over. */
const WINDOW = 16;
/**
 * Forms after which a prediction is made however little they took: the JIT is still warming up
 * over the first few dozen (memoized `(fib 12..16)` forms: 0.25 ms each at first, 0.1 ms by the
 * 32nd, 0.05 ms by the 64th, 0.02 ms later), and waiting costs nothing while forms are that cheap.
 */
const SETTLE_FORMS = 64;

export class FormClock {
  /** The last WINDOW times in arrival order (a ring), and the same times sorted. */
  private readonly recent: number[] = [];
  private readonly sorted: number[] = [];
  private next = 0;
  /** Forms timed, and their time in all (milliseconds). */
  forms = 0;
  ms = 0;

  add(ms: number): void {
    this.forms++;
    this.ms += ms;
    if (this.recent.length < WINDOW) this.recent.push(ms);
    else {
      const old = this.recent[this.next]!;
      this.recent[this.next] = ms;
      this.sorted.splice(this.sorted.indexOf(old), 1);
    }
    this.next = (this.next + 1) % WINDOW;
    let at = this.sorted.length;
    while (at > 0 && this.sorted[at - 1]! > ms) at--;
    this.sorted.splice(at, 0, ms);
  }

  /** The median time of the most recent forms (0 before any). */
  typicalMs(): number {
    const s = this.sorted;
    if (s.length === 0) return 0;
    const m = s.length >> 1;
    return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  }

  /**
   * Whether enough was seen to predict from: SETTLE_FORMS forms, or fewer that already took
   * `settledMs` (forms slow enough that waiting longer would waste the pool's time).
   */
  settled(settledMs: number): boolean {
    return this.forms >= SETTLE_FORMS || (this.forms >= 2 && this.ms >= settledMs);
  }

  /** Predicted milliseconds of pool-worthy work in `forms` more forms: none when a typical form takes under `minTaskMs`. */
  predict(forms: number, minTaskMs = 0): number {
    const typical = this.typicalMs();
    return typical < minTaskMs ? 0 : typical * forms;
  }
}
