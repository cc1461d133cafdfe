import { createHash } from "node:crypto";
import { dereference, validate } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { appRouter } from "../src/root.ts";
import { type ConsoleClient, setUpAdmin } from "./kit/console-client.ts";
import { expectLedgerBalanced } from "./kit/ledger.ts";
import {
  type FreshDatabase,
  freshDatabase,
  registration,
  startTestServer,
  type TestServer,
} from "./kit/test-server.ts";

type JsonSchema = Record<string, unknown>;
interface Operation {
  operationId: string;
  security: Record<string, string[]>[];
  parameters: { name: string; in: string; content?: { "application/json": { schema: JsonSchema } } }[];
  requestBody?: { content: { "application/json": { schema: JsonSchema } } };
  responses: Record<string, { content: { "application/json": { schema: JsonSchema } } }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
}

describe("the OpenAPI document and the reference page", () => {
  let db: FreshDatabase;
  let server: TestServer;
  let admin: ConsoleClient;
  let served: Document;
  /** The same document with every `$ref` resolved, as a client generator reads it. */
  let resolved: Document;

  beforeAll(async () => {
    db = await freshDatabase("sqlite", "openapi");
    server = await startTestServer(db.url);
    admin = await setUpAdmin(server);
    const response = await fetch(`${server.baseUrl}/api/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    served = (await response.json()) as Document;
    resolved = (await dereference(structuredClone(served) as never)) as unknown as Document;
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("is a valid OpenAPI 3.1 document (@readme/openapi-parser), without a warning", async () => {
    const result = await validate(structuredClone(served) as never);
    expect(result).toMatchObject({ valid: true });
    expect(result.warnings).toEqual([]);
    expect(served.openapi).toMatch(/^3\.1\./);
  });

  it("describes every appliance and admin procedure the router has, queries as GET and mutations as POST", () => {
    const procedures = Object.entries(
      appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
    ).filter(([path]) => path.startsWith("appliance.") || path.startsWith("admin."));
    expect(procedures.length).toBeGreaterThan(30);
    const described = Object.entries(served.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method} ${path}`),
    );
    expect(described.sort()).toEqual(
      procedures.map(([path, p]) => `${p._def.type === "query" ? "get" : "post"} /api/trpc/${path}`).sort(),
    );
    expect(Object.keys(served.paths).some((path) => /\/(auth|backup)\./.test(path))).toBe(false);
    const security = (path: string) => Object.values(served.paths[`/api/trpc/${path}`]!)[0]!.security;
    expect(security("appliance.register")).toEqual([]);
    expect(security("appliance.refresh")).toEqual([{ applianceToken: [] }]);
    expect(security("admin.settings.setPoolSize")).toEqual([{ bearerAuth: [] }, { sessionCookie: [] }]);
  });

  /** Calls `path` as the document says (GET with `?input=` or POST with a body) and checks the answer against it. */
  async function callAsDescribed(path: string, input: unknown, headers: Record<string, string> = {}) {
    const [[method, operation]] = Object.entries(resolved.paths[`/api/trpc/${path}`]!) as [[string, Operation]];
    const url = new URL(`/api/trpc/${path}`, server.baseUrl);
    if (method === "get" && input !== undefined) url.searchParams.set("input", JSON.stringify(input));
    const response = await fetch(url, {
      method: method.toUpperCase(),
      headers: { ...(method === "post" ? { "content-type": "application/json" } : {}), ...headers },
      ...(method === "post" ? { body: JSON.stringify(input) } : {}),
    });
    const body = (await response.json()) as { error?: { data: { reason: string } } };
    const described = operation.responses[String(response.status)] ?? operation.responses.default;
    expect(described, `${path} answered ${response.status}, which the document does not list`).toBeDefined();
    const parsed = z.fromJSONSchema(described!.content["application/json"].schema).safeParse(body);
    expect(parsed.error?.issues, `${path} ${response.status}: ${JSON.stringify(body)}`).toBeUndefined();
    return { status: response.status, body, reason: body.error?.data.reason };
  }

  it("says what really goes over the wire: paths, methods, envelopes, statuses and reasons", async () => {
    const registered = await callAsDescribed("appliance.register", registration("OPENAPI-1"));
    expect(registered.status).toBe(200);
    const { token } = (registered.body as unknown as { result: { data: { token: string } } }).result.data;
    const bearer = { authorization: `Bearer ${token}` };

    expect(await callAsDescribed("appliance.request", { sessions: 100, requestId: "r1" })).toMatchObject({
      status: 401,
      reason: "BAD_TOKEN",
    });
    expect(await callAsDescribed("appliance.request", { sessions: 100, requestId: "r1" }, bearer)).toMatchObject({
      status: 200,
    });
    expect(await callAsDescribed("appliance.request", { sessions: 70, requestId: "r2" }, bearer)).toMatchObject({
      status: 400,
      reason: "NOT_A_MULTIPLE_OF_50",
    });
    expect(await callAsDescribed("appliance.release", { sessions: 5000 }, bearer)).toMatchObject({
      status: 400,
      reason: "RELEASE_EXCEEDS_GRANT",
    });
    expect(await callAsDescribed("appliance.refresh", { inUse: -1 }, bearer)).toMatchObject({
      status: 400,
      reason: "INVALID_INPUT",
    });
    expect(await callAsDescribed("appliance.refresh", { inUse: 10 }, bearer)).toMatchObject({ status: 200 });
    expect(await callAsDescribed("appliance.release", { sessions: 50 }, bearer)).toMatchObject({ status: 200 });

    const list = { page: 1, pageSize: 10, sort: "serial" };
    expect(await callAsDescribed("admin.participants.list", list)).toMatchObject({
      status: 401,
      reason: "NOT_SIGNED_IN",
    });
    const cookie = { cookie: admin.cookie! };
    expect(await callAsDescribed("admin.participants.list", list, cookie)).toMatchObject({ status: 200 });
    expect(await callAsDescribed("admin.settings.get", undefined, cookie)).toMatchObject({ status: 200 });
    expect(await callAsDescribed("admin.settings.setPoolSize", { poolSize: 600 }, cookie)).toMatchObject({
      status: 403,
      reason: "CROSS_SITE_REQUEST",
    });
    expect(
      await callAsDescribed("admin.settings.setPoolSize", { poolSize: 600 }, { ...cookie, "x-sls-console": "1" }),
    ).toMatchObject({ status: 200 });
    expect(
      await callAsDescribed("admin.settings.setPoolSize", { poolSize: 10 }, { ...cookie, "x-sls-console": "1" }),
    ).toMatchObject({ status: 400, reason: "POOL_BELOW_GRANTED" });
    await expectLedgerBalanced(server.running.services.store);
  });

  it("renders the reference page on the server: every procedure, no script, a policy that allows only its own style", async () => {
    const response = await fetch(`${server.baseUrl}/api/reference`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await response.text();
    const policy = response.headers.get("content-security-policy") ?? "";
    expect(html).not.toMatch(/<script|\son[a-z]+=|javascript:|\sstyle=/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(styles).toHaveLength(1);
    const hash = createHash("sha256").update(styles[0]!).digest("base64");
    expect(policy.split("; ")).toEqual(
      expect.arrayContaining(["default-src 'none'", `style-src 'sha256-${hash}'`, "frame-ancestors 'none'"]),
    );
    for (const operation of Object.values(served.paths).flatMap((methods) => Object.values(methods)))
      expect(html).toContain(`<section id="${operation.operationId}">`);
    expect(html).toContain("NOT_A_MULTIPLE_OF_50");
    expect(html).toContain('<a href="/api/openapi.json">');
  });

  it("serves GET and HEAD only, and to the console's host names only", async () => {
    const posted = await fetch(`${server.baseUrl}/api/openapi.json`, { method: "POST" });
    expect(posted.status).toBe(405);
    expect(posted.headers.get("allow")).toBe("GET, HEAD");
    const head = await fetch(`${server.baseUrl}/api/reference`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    // fetch cannot set Host: a raw request can.
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.baseUrl}/api/openapi.json`, { headers: { host: "evil.example" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.once("error", reject).end();
    });
    expect(status).toBe(421);
  });
});
