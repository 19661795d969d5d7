import { describe, expect, it } from 'vitest';
import { FormClock } from '../../src/runner/form-clock.js';

describe('FormClock', () => {
  it('predicts from the median of the recent forms, not the cold start', () => {
    // Memoized forms: five real evaluations, then cache hits.
    const clock = new FormClock();
    for (const ms of [6, 3, 2, 2, 1]) clock.add(ms);
    for (let i = 0; i < 11; i++) clock.add(0.02);
    expect(clock.settled(50)).toBe(false);
    expect(clock.typicalMs()).toBeCloseTo(0.02, 9);
    expect(clock.predict(1000)).toBeCloseTo(20, 6);
    // Cheaper than a task costs: nothing for the pool.
    expect(clock.predict(1000, 0.1)).toBe(0);
    // The mean would have predicted 14.2 / 16 ms a form: 888 ms.
    expect((clock.ms / clock.forms) * 1000).toBeGreaterThan(800);
  });

  it('forgets forms older than its window', () => {
    const clock = new FormClock();
    for (let i = 0; i < 16; i++) clock.add(10);
    for (let i = 0; i < 16; i++) clock.add(1);
    expect(clock.typicalMs()).toBe(1);
    expect(clock.forms).toBe(32);
    // An even window: the mean of the middle two.
    const mixed = new FormClock();
    for (const ms of [5, 1, 4, 2]) mixed.add(ms);
    expect(mixed.typicalMs()).toBe(3);
  });

  it('is settled after 64 forms, or earlier once slow forms took the settling time', () => {
    const fast = new FormClock();
    for (let i = 0; i < 63; i++) fast.add(0.5);
    expect(fast.settled(50)).toBe(false);
    fast.add(0.5);
    expect(fast.settled(50)).toBe(true);
    const slow = new FormClock();
    slow.add(40);
    expect(slow.settled(50)).toBe(false);
    slow.add(40);
    expect(slow.settled(50)).toBe(true);
    expect(slow.predict(10)).toBe(400);
    expect(new FormClock().predict(10)).toBe(0);
  });
});
