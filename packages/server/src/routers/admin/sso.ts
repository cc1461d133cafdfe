import { ZSsoSummary } from "../../contracts/admin/sso.ts";
import { ssoSummary } from "../../services/admin/sso/sso-summary.ts";
import { router, viewerProcedure } from "../../trpc.ts";

export const ssoRouter = router({
  get: viewerProcedure.output(ZSsoSummary).query(({ ctx }) => ssoSummary(ctx.services)),
});
