// A vitest setup file: after each test file, the temporary folders (SQLite files) its tests made
// through the server's kit, failing tests' included. Registered before the file's own hooks, so
// it runs after them (vitest runs after-hooks in reverse order).
import { removeTemporaryFolders } from "@sls/server/testing";
import { afterAll } from "vitest";

afterAll(removeTemporaryFolders);
