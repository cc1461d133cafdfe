import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // A temporary folder per run; the run fails when a test leaves an sls-* folder in it.
    globalSetup: ["../../scripts/test-temp-folder.mjs"],
    setupFiles: ["../server/test/kit/remove-temporary-folders.ts"],
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
