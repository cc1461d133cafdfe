import {
  ZPolicy,
  ZPolicyDefinition,
  ZPolicyEffect,
  ZPolicyHistory,
  ZPolicySaved,
  ZRollbackInput,
} from "../../contracts/admin/policy.ts";
import { policyHistory, previewPolicy, readPolicy, rollbackPolicy, savePolicy } from "../../services/admin/policy.ts";
import { adminProcedure, router, viewerProcedure } from "../../trpc.ts";

/**
 * The pool policy (spec pool-policy.md "Administration"): viewers read, administrators preview and
 * change. A preview is the first half of a save and loads every participant under the pool lock,
 * which holds every grant meanwhile: not for a read-only account to repeat at will.
 */
export const policyRouter = router({
  get: viewerProcedure.output(ZPolicy).query(({ ctx }) => readPolicy(ctx.services)),

  // A mutation so that the policy travels as a POST body (it can be too long for a URL); it writes nothing.
  preview: adminProcedure
    .input(ZPolicyDefinition)
    .output(ZPolicyEffect)
    .mutation(({ ctx, input }) => previewPolicy(ctx.services, input)),

  save: adminProcedure
    .input(ZPolicyDefinition)
    .output(ZPolicySaved)
    .mutation(({ ctx, input }) => savePolicy(ctx.services, ctx.account, input)),

  history: viewerProcedure.output(ZPolicyHistory).query(({ ctx }) => policyHistory(ctx.services)),

  rollback: adminProcedure
    .input(ZRollbackInput)
    .output(ZPolicySaved)
    .mutation(({ ctx, input }) => rollbackPolicy(ctx.services, ctx.account, input.version)),
});
