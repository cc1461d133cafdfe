import { router } from "../../trpc.ts";
import { handbackProcedure } from "./handback.ts";
import { syncProcedure } from "./sync.ts";

export const backupRouter = router({
  sync: syncProcedure,
  handback: handbackProcedure,
});
