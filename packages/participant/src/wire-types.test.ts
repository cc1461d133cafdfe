// The participant's wire types are the server's contracts; tsc (typecheck) fails if they drift.
import type * as Contracts from "@sls/server/contracts";
import { describe, expectTypeOf, it } from "vitest";
import type { BackupInfo, Calls, RegisterInput, Verb } from "./index.ts";

describe("the participant's wire types", () => {
  it("are the contracts' inputs and answers, verb by verb", () => {
    expectTypeOf<Verb>().toEqualTypeOf<"register" | "request" | "refresh" | "release" | "transfer">();
    expectTypeOf<Calls["register"]>().toEqualTypeOf<{
      input: Contracts.TRegisterInput;
      answer: Contracts.TRegisterOutput;
    }>();
    expectTypeOf<Calls["request"]>().toEqualTypeOf<{
      input: Contracts.TRequestInput;
      answer: Contracts.TRequestOutput;
    }>();
    expectTypeOf<Calls["refresh"]>().toEqualTypeOf<{
      input: Contracts.TRefreshInput;
      answer: Contracts.TRefreshOutput;
    }>();
    expectTypeOf<Calls["release"]>().toEqualTypeOf<{
      input: Contracts.TReleaseInput;
      answer: Contracts.TGrantOutput;
    }>();
    expectTypeOf<Calls["transfer"]>().toEqualTypeOf<{
      input: Contracts.TTransferInput;
      answer: Contracts.TGrantOutput;
    }>();
    expectTypeOf<RegisterInput>().toEqualTypeOf<Contracts.TRegisterInput>();
    expectTypeOf<BackupInfo>().toEqualTypeOf<Contracts.TBackup>();
  });
});
