import { router } from "../../trpc.ts";
import { accountsRouter } from "./accounts.ts";
import { alertsRouter } from "./alerts.ts";
import { capacityRouter } from "./capacity.ts";
import { auditRouter } from "./audit.ts";
import { overviewRouter } from "./overview.ts";
import { participantsRouter } from "./participants.ts";
import { outagesRouter } from "./outages.ts";
import { policyRouter } from "./policy.ts";
import { settingsRouter } from "./settings.ts";
import { ssoRouter } from "./sso.ts";
import { tokensRouter } from "./tokens.ts";

/** The admin console's API: every procedure needs a signed-in account, every change an administrator. */
export const adminRouter = router({
  overview: overviewRouter,
  participants: participantsRouter,
  audit: auditRouter,
  settings: settingsRouter,
  accounts: accountsRouter,
  alerts: alertsRouter,
  capacity: capacityRouter,
  policy: policyRouter,
  sso: ssoRouter,
  tokens: tokensRouter,
  outages: outagesRouter,
});
