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

/** The pool policy (spec pool-policy.md "Administration"): viewers read and preview, administrators change. */
export const policyRouter = router({
  get: viewerProcedure.output(ZPolicy).query(({ ctx }) => readPolicy(ctx.services)),

  preview: viewerProcedure
    .input(ZPolicyDefinition)
    .output(ZPolicyEffect)
    // A mutation only to be sent as a POST body: a policy can be too long for a query's URL. It writes nothing.
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
