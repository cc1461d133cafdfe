import { router } from "../../trpc.ts";
import { statusProcedure } from "./status.ts";

export const adminRouter = router({
  status: statusProcedure,
});
