import type { z } from "zod";
import { applianceProcedure, authenticateCall, router } from "../../trpc.ts";
import { APPLIANCE_VERBS, type ApplianceVerb } from "./verbs.ts";

/** A verb of the table as a tRPC procedure: serving check, token when `authenticated`, input, run, output. */
function procedureOf<In extends z.ZodType, Out extends z.ZodType>(verb: ApplianceVerb<In, Out>) {
  return (
    applianceProcedure
      .use(async ({ ctx, next }) =>
        next({ ctx: { participant: verb.authenticated ? await authenticateCall(ctx) : null } }),
      )
      .input(verb.input)
      .output(verb.output)
      // The verb's own types say what `run` takes and gives; tRPC's cannot be resolved for a generic schema.
      .mutation(({ ctx, input }) => verb.run(ctx, input as z.output<In>) as never)
  );
}

export const applianceRouter = router({
  register: procedureOf(APPLIANCE_VERBS.register),
  request: procedureOf(APPLIANCE_VERBS.request),
  refresh: procedureOf(APPLIANCE_VERBS.refresh),
  release: procedureOf(APPLIANCE_VERBS.release),
  transfer: procedureOf(APPLIANCE_VERBS.transfer),
});
