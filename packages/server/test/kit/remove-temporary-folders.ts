// A vitest setup file (server and participant packages): after each test file, the temporary
// folders its tests made through the kit, failing tests' included. Registered before the file's
// own hooks, so it runs after them (vitest runs after-hooks in reverse order).
import { afterAll } from "vitest";
import { removeTemporaryFolders } from "./temporary-folders.ts";

afterAll(removeTemporaryFolders);
