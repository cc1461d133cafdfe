"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { Loading } from "@/components/ui/states";
import { refusalOf } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import { safeNext } from "@/lib/safe-next";
import { useAuthRedirect } from "./use-auth-redirect";

const ZLogin = z.object({
  name: z.string().trim().min(1, "Enter your account name."),
  password: z.string().min(1, "Enter your password."),
});
type LoginValues = z.infer<typeof ZLogin>;

export function LoginForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const next = safeNext(useSearchParams().get("next"));
  const { state, leaving } = useAuthRedirect("login", next);
  const [refused, setRefused] = useState<string | null>(null);
  const form = useForm<LoginValues>({ resolver: zodResolver(ZLogin), defaultValues: { name: "", password: "" } });
  const login = useMutation(trpc.auth.login.mutationOptions());

  const submit = form.handleSubmit(async (values) => {
    setRefused(null);
    try {
      await login.mutateAsync(values);
      await queryClient.invalidateQueries({ queryKey: trpc.auth.state.queryKey() });
    } catch (error) {
      setRefused(refusalOf(error).message);
      form.resetField("password");
      form.setFocus("password");
    }
  });

  if (!state.data || leaving) return <Loading label="Checking your session" className="h-56" />;
  const { errors } = form.formState;
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-labelledby="login-title">
      <h1 id="login-title" className="text-xl font-semibold">
        Sign in
      </h1>
      {refused && (
        <p
          role="alert"
          data-testid="login-error"
          className="rounded-md border border-red-900 bg-red-950/60 px-3 py-2 text-sm text-red-200"
        >
          {refused}
        </p>
      )}
      <TextField
        label="Account name"
        autoComplete="username"
        autoFocus
        error={errors.name?.message}
        {...form.register("name")}
      />
      <TextField
        label="Password"
        type="password"
        autoComplete="current-password"
        error={errors.password?.message}
        {...form.register("password")}
      />
      <Button type="submit" variant="primary" busy={form.formState.isSubmitting}>
        Sign in
      </Button>
    </form>
  );
}
