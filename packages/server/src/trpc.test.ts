import { AllocationError } from "@sls/allocator";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { describe, expect, it } from "vitest";
import { SlsError } from "./errors.ts";
import { type Context, createCallerFactory, publicProcedure, router } from "./trpc.ts";

// The one error mapping (mapErrors in trpc.ts): what an allocator refusal becomes on the wire.
// A procedure that only throws, called in-process: no database, no HTTP server.
function callThrowing(error: Error) {
  const logged: string[] = [];
  const app = router({
    fail: publicProcedure.query(() => {
      throw error;
    }),
  });
  const ctx = {
    services: { log: { error: (message: string) => logged.push(message) } },
    remoteAddress: "127.0.0.1",
    authorization: null,
  } as unknown as Context;
  return { logged, call: createCallerFactory(app)(ctx).fail() };
}

async function refusal(error: Error) {
  const { logged, call } = callThrowing(error);
  const thrown = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(thrown).toBeInstanceOf(SlsError);
  const sls = thrown as SlsError;
  return { reason: sls.reason, code: sls.code, status: getHTTPStatusCodeFromError(sls), message: sls.message, logged };
}

describe("an allocator refusal on the wire", () => {
  it("keeps a reason the server knows, with its code, HTTP status and the allocator's message", async () => {
    expect(await refusal(new AllocationError("NOT_A_MULTIPLE_OF_50", "asked for 70"))).toEqual({
      reason: "NOT_A_MULTIPLE_OF_50",
      code: "BAD_REQUEST",
      status: 400,
      message: "asked for 70",
      logged: [],
    });
  });

  it("answers an out-of-range pool size or limit as INVALID_INPUT (400)", async () => {
    for (const reason of ["POOL_SIZE_OUT_OF_RANGE", "LIMITS_OUT_OF_RANGE"] as const) {
      const answer = await refusal(new AllocationError(reason, "out of range"));
      expect(answer).toMatchObject({ reason: "INVALID_INPUT", code: "BAD_REQUEST", status: 400, logged: [] });
    }
  });

  it("turns a refusal of the server's own state into INTERNAL (500), logged, without the allocator's words", async () => {
    for (const reason of ["UNKNOWN_PARTICIPANT", "INCOMPLETE_STATE"] as const) {
      const answer = await refusal(new AllocationError(reason, "participant p-1 is not in the state"));
      expect(answer).toMatchObject({ reason: "INTERNAL", code: "INTERNAL_SERVER_ERROR", status: 500 });
      expect(answer.message).not.toContain("p-1");
      expect(answer.logged).toEqual(["allocator refused the server's state"]);
    }
  });
});
