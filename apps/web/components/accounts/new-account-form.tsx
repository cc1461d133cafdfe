"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { Panel } from "@/components/ui/panel";
import { applyRefusal } from "@/lib/apply-refusal";
import { accountNameSchema, newPasswordSchema, type Rules } from "@/lib/forms";
import { useTRPC } from "@/lib/trpc";
import { RoleSelect } from "./role-select";

export function NewAccountForm({ rules }: { rules: Rules }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const schema = useMemo(
    () =>
      z.object({
        name: accountNameSchema(rules),
        password: newPasswordSchema(rules),
        role: z.enum(["admin", "viewer"]),
      }),
    [rules],
  );
  const form = useForm<z.input<typeof schema>, unknown, z.output<typeof schema>>({
    resolver: zodResolver(schema),
    defaultValues: { name: "", password: "", role: "viewer" },
  });
  const create = useMutation(trpc.admin.accounts.create.mutationOptions());
  const submit = form.handleSubmit(async (values) => {
    try {
      const account = await create.mutateAsync(values);
      toast.success(`Account ${account.name} (${account.role}) created.`);
      form.reset();
      await queryClient.invalidateQueries({ queryKey: trpc.admin.accounts.list.queryKey() });
    } catch (error) {
      applyRefusal(error, form, "name");
    }
  });
  const { errors } = form.formState;
  return (
    <Panel
      title="Add an account"
      description="Give the password to its owner over a trusted channel."
      labelledBy="new-account-title"
    >
      <form
        noValidate
        onSubmit={submit}
        className="flex flex-col gap-4"
        aria-labelledby="new-account-title"
        data-testid="form-new-account"
      >
        <TextField label="Name" autoComplete="off" error={errors.name?.message} {...form.register("name")} />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          hint={`At least ${rules.password.minLength} characters.`}
          error={errors.password?.message}
          {...form.register("password")}
        />
        <RoleSelect {...form.register("role")} />
        <Button type="submit" variant="primary" busy={form.formState.isSubmitting}>
          Add account
        </Button>
      </form>
    </Panel>
  );
}
