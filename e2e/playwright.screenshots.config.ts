import { defineConfig } from "@playwright/test";
import config from "./playwright.config.ts";

// `npm run screenshots`: the README's images (docs/screenshots/*.png) from a real run of the built
// app, with the browser and settings of the browser tests. The capacity spec takes its image
// (capacity.png) only here, where `readmeScreenshots` is set.
export default defineConfig({
  ...config,
  testMatch: ["screenshots.spec.ts", "capacity.spec.ts"],
  testIgnore: [],
  metadata: { readmeScreenshots: true },
  outputDir: "test-results/screenshots",
  reporter: [["list"]],
});
