import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Property tests run thousands of cases; the default 5 s is too tight on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
