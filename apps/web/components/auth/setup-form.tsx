"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { Loading } from "@/components/ui/states";
import { applyRefusal } from "@/lib/apply-refusal";
import { refusalOf } from "@/lib/errors";
import { accountNameSchema, newPasswordSchema, type Rules } from "@/lib/forms";
import { useTRPC } from "@/lib/trpc";
import { useAuthRedirect } from "./use-auth-redirect";

export function SetupForm() {
  const { state, leaving } = useAuthRedirect("setup", "/");
  if (!state.data || leaving) return <Loading label="Checking the console's state" className="h-64" />;
  return <FirstAdministrator rules={state.data.rules} />;
}

function FirstAdministrator({ rules }: { rules: Rules }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const schema = useMemo(
    () =>
      z
        .object({
          setupCode: z.string().trim().min(1, "Enter the setup code from the server's log."),
          name: accountNameSchema(rules),
          password: newPasswordSchema(rules),
          confirm: z.string(),
        })
        .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The two passwords differ." }),
    [rules],
  );
  type Values = z.input<typeof schema>;
  const form = useForm<Values, unknown, z.output<typeof schema>>({
    resolver: zodResolver(schema),
    defaultValues: { setupCode: "", name: "", password: "", confirm: "" },
  });
  const setup = useMutation(trpc.auth.setup.mutationOptions());

  const submit = form.handleSubmit(async ({ setupCode, name, password }) => {
    try {
      await setup.mutateAsync({ setupCode, name, password });
      await queryClient.invalidateQueries({ queryKey: trpc.auth.state.queryKey() });
    } catch (error) {
      applyRefusal(error, form, refusalOf(error).reason === "BAD_SETUP_CODE" ? "setupCode" : "name");
    }
  });

  const { errors } = form.formState;
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-labelledby="setup-title">
      <div>
        <h1 id="setup-title" className="text-xl font-semibold">
          Create the first administrator
        </h1>
        <p className="mt-1 text-sm text-slate-400">
          No account exists yet. This one can change every setting and add further accounts. There is no default
          password.
        </p>
      </div>
      <TextField
        label="Setup code"
        autoComplete="off"
        spellCheck={false}
        autoFocus
        placeholder="XXXX-XXXX-XXXX-XXXX-XXXX-XXXX"
        hint="Printed in the server's log at start (the line that says to open /setup), and in the setup-code file it names. Only someone who can read the server's log or its data folder has it."
        error={errors.setupCode?.message}
        {...form.register("setupCode")}
      />
      <TextField label="Account name" autoComplete="username" error={errors.name?.message} {...form.register("name")} />
      <TextField
        label="Password"
        type="password"
        autoComplete="new-password"
        hint={`At least ${rules.password.minLength} characters.`}
        error={errors.password?.message}
        {...form.register("password")}
      />
      <TextField
        label="Repeat the password"
        type="password"
        autoComplete="new-password"
        error={errors.confirm?.message}
        {...form.register("confirm")}
      />
      <Button type="submit" variant="primary" busy={form.formState.isSubmitting}>
        Create administrator and sign in
      </Button>
    </form>
  );
}
