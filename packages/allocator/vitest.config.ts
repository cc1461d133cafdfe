import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Stryker's sandboxes (copies of this package) stay behind when a mutation run is interrupted.
    exclude: [...configDefaults.exclude, ".stryker-tmp/**"],
  },
});
