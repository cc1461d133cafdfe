import { readFileSync } from "node:fs";
import { ConsoleClient, SIGN_IN, setUpAdmin as setUpAdminAt, signedInViewer as viewerOf } from "./clients.ts";
import type { TestServer } from "./test-server.ts";

export { ConsoleClient };

export const ADMIN_PASSWORD = SIGN_IN.admin.password;
export const VIEWER_PASSWORD = SIGN_IN.viewer.password;

/** The setup code as an operator finds it: in the file the server names in its log. */
export function readSetupCode(server: TestServer): string {
  return readFileSync(server.running.services.setupCodes.file, "utf8").trim();
}

/** Sets the console up with an administrator `root` and returns its signed-in client. */
export function setUpAdmin(server: TestServer, name = "root"): Promise<ConsoleClient> {
  return setUpAdminAt(server.baseUrl, readSetupCode(server), { name, password: ADMIN_PASSWORD });
}

export function signedInViewer(_server: TestServer, admin: ConsoleClient, name = "watcher"): Promise<ConsoleClient> {
  return viewerOf(admin, { name, password: VIEWER_PASSWORD });
}
