import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

/**
 * Files that drive the two cores hard (floods, multi-process races, kills) or judge latency and
 * timeouts: they run one at a time, after the rest, so no other file competes with them.
 */
const ALONE = [
  "test/limits.security.integration.test.ts",
  "test/token-flood.security.integration.test.ts",
  "test/race.integration.test.ts",
  "test/crash.integration.test.ts",
  "test/server-pair.integration.test.ts",
  "test/leases.integration.test.ts",
  "test/connections.security.integration.test.ts",
  "test/overload.integration.test.ts",
  "test/overload-door.integration.test.ts",
  "test/backup-identity.security.integration.test.ts",
  "test/appliance.error.integration.test.ts",
  "test/admin.security.integration.test.ts",
  "test/policy-flood.integration.test.ts",
];

/** `npm run test:unit` (SLS_TESTS=unit): the pure tests alone, in one project. */
const unitOnly = process.env.SLS_TESTS === "unit";

const shared = {
  // A temporary folder per run; the run fails when a test leaves an sls-* folder in it.
  globalSetup: ["../../scripts/test-temp-folder.mjs"],
  setupFiles: ["./test/kit/remove-temporary-folders.ts"],
  testTimeout: 60_000,
  hookTimeout: 120_000,
};

const sideBySide: TestProjectInlineConfiguration = {
  // Each integration file owns a fresh database, so two run side by side.
  test: {
    ...shared,
    name: "side-by-side",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: unitOnly ? ["**/*.integration.test.ts", "test/kit/**"] : ALONE,
    maxWorkers: 2,
    sequence: { groupOrder: 0 },
  },
};

const alone: TestProjectInlineConfiguration = {
  test: { ...shared, name: "alone", include: ALONE, fileParallelism: false, sequence: { groupOrder: 1 } },
};

export default defineConfig({ test: { projects: unitOnly ? [sideBySide] : [sideBySide, alone] } });
