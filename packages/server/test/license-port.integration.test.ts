import { applianceClient } from "./kit/clients.ts";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createLicenseServer } from "../src/http/app-server.ts";
import { freshDatabase, registration, startTestServer, settle } from "./kit/test-server.ts";

describe("the dedicated licence port (SLS_LICENSE_PORT)", () => {
  it("serves the appliance calls as the web port does, and nothing else", async () => {
    const db = await freshDatabase("sqlite", "license-port");
    const server = await startTestServer(db.url);
    const license = createLicenseServer(server.running.services);
    await new Promise<void>((resolve) => license.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(license.address() as AddressInfo).port}`;
    try {
      const reg = await settle(applianceClient(url).appliance.register.mutate(registration("PORT0001")));
      expect(reg).toMatchObject({ ok: true, data: { role: "participant", refreshIntervalSec: 30 } });
      if (!reg.ok) return;
      // The token works on either port: both serve the same pool.
      expect(
        await settle(
          applianceClient(url, { token: reg.data.token }).appliance.request.mutate({ sessions: 50, requestId: "p" }),
        ),
      ).toMatchObject({
        ok: true,
        data: { granted: 50 },
      });
      expect(await settle(server.api(reg.data.token).appliance.refresh.mutate({ inUse: 0 }))).toMatchObject({
        ok: true,
        data: { granted: 50 },
      });
      expect(
        await settle(
          applianceClient(url, { token: reg.data.token }).appliance.request.mutate({ sessions: 70, requestId: "q" }),
        ),
      ).toMatchObject({
        ok: false,
        status: 400,
        error: { data: { reason: "NOT_A_MULTIPLE_OF_50" } },
      });
      expect((await fetch(`${url}/api/health`)).status).toBe(404);
      expect((await fetch(`${url}/api/trpc/admin.overview`)).status).toBe(404);
    } finally {
      await new Promise((resolve) => license.close(resolve));
      await server.close();
    }
  });
});
