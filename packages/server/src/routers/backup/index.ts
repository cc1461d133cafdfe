import { router } from "../../trpc.ts";
import { handbackProcedure } from "./handback.ts";
import { registerProcedure } from "./register.ts";
import { syncProcedure } from "./sync.ts";

export const backupRouter = router({
  register: registerProcedure,
  sync: syncProcedure,
  handback: handbackProcedure,
});
