import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Workers, the GPU thread and CLI subprocesses run dist/: build it from the current sources first.
    globalSetup: ['test/global-setup.ts'],
    // Property tests run thousands of cases; the default 5 s is too tight on a 2-core machine.
    testTimeout: 120_000,
    // Above two 45 s tries of the out-of-process GPU probe (test/gpu/helpers.ts).
    hookTimeout: 120_000,
  },
});
