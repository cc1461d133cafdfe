import { router } from "../../trpc.ts";
import { refreshProcedure } from "./refresh.ts";
import { registerProcedure } from "./register.ts";
import { releaseProcedure } from "./release.ts";
import { requestProcedure } from "./request.ts";
import { transferProcedure } from "./transfer.ts";

export const applianceRouter = router({
  register: registerProcedure,
  request: requestProcedure,
  refresh: refreshProcedure,
  release: releaseProcedure,
  transfer: transferProcedure,
});
