// The participant's wire types are the server's contracts; tsc (typecheck) fails if they drift.
import type {
  TBackup,
  TGrantOutput,
  TRefreshInput,
  TRefreshOutput,
  TRegisterInput,
  TRegisterOutput,
  TReleaseInput,
  TRequestInput,
  TRequestOutput,
  TTransferInput,
} from "@sls/server/contracts";
import { describe, expectTypeOf, it } from "vitest";
import type { BackupInfo, Calls, RegisterInput, Verb } from "./index.ts";

describe("the participant's wire types", () => {
  it("are the contracts' inputs and answers, verb by verb", () => {
    expectTypeOf<Verb>().toEqualTypeOf<"register" | "request" | "refresh" | "release" | "transfer">();
    expectTypeOf<Calls["register"]>().toEqualTypeOf<{ input: TRegisterInput; answer: TRegisterOutput }>();
    expectTypeOf<Calls["request"]>().toEqualTypeOf<{ input: TRequestInput; answer: TRequestOutput }>();
    expectTypeOf<Calls["refresh"]>().toEqualTypeOf<{ input: TRefreshInput; answer: TRefreshOutput }>();
    expectTypeOf<Calls["release"]>().toEqualTypeOf<{ input: TReleaseInput; answer: TGrantOutput }>();
    expectTypeOf<Calls["transfer"]>().toEqualTypeOf<{ input: TTransferInput; answer: TGrantOutput }>();
    expectTypeOf<RegisterInput>().toEqualTypeOf<TRegisterInput>();
    expectTypeOf<BackupInfo>().toEqualTypeOf<TBackup>();
  });
});
