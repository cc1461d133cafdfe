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

/** Why a single sign-on came back refused (`/login?sso=…`, a closed list the server sets). */
const SSO_REFUSALS: Record<string, string> = {
  "no-role":
    "Your identity provider account is in none of the groups this console admits (administrators or viewers). Ask whoever manages your identity provider's groups to add you to one.",
  failed: "Single sign-on failed: the identity provider's answer did not pass the console's checks. Try again.",
  expired: "That sign-in took too long or was started in another browser. Start again with Sign in with SSO.",
  denied: "The identity provider did not sign you in.",
  unavailable: "The identity provider cannot be reached right now. Try again later, or sign in with a local account.",
};

export function LoginForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const search = useSearchParams();
  const next = safeNext(search.get("next"));
  const ssoRefusal = SSO_REFUSALS[search.get("sso") ?? ""];
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
      {ssoRefusal && !refused && (
        <p
          role="alert"
          data-testid="sso-error"
          className="rounded-md border border-red-900 bg-red-950/60 px-3 py-2 text-sm text-red-200"
        >
          {ssoRefusal}
        </p>
      )}
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
      {state.data.sso.enabled && (
        // A full navigation, not a fetch: the server sends the browser on to the provider.
        <a
          href={`/api/auth/oidc/login?next=${encodeURIComponent(next)}`}
          className="rounded-md border border-slate-700 px-3 py-2 text-center text-sm font-medium text-slate-100 hover:bg-slate-800"
        >
          Sign in with SSO
        </a>
      )}
      {!state.data.sso.localLogin && (
        <p className="text-xs text-slate-400">Passwords sign in break-glass accounts only.</p>
      )}
    </form>
  );
}
