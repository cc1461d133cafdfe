"use client";

import { useMutation } from "@tanstack/react-query";
import { useMemo } from "react";
import { z } from "zod";
import { TextField } from "@/components/ui/field";
import { secretSchema, type Rules } from "@/lib/forms";
import { formatAgo, formatDateTime } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { SettingsSection, useSettingsForm } from "./settings-form";

/** Write-only: the page shows when the secret changed, never the secret. */
export function SecretForm({
  rules,
  secretSet,
  changedAt,
}: {
  rules: Rules;
  secretSet: boolean;
  changedAt: string | null;
}) {
  const trpc = useTRPC();
  const mutation = useMutation(trpc.admin.settings.setSecret.mutationOptions());
  const schema = useMemo(() => z.object({ secret: secretSchema(rules) }), [rules]);
  const { form, submit } = useSettingsForm({
    schema,
    defaults: { secret: "" },
    save: (values) => mutation.mutateAsync(values),
    field: "secret",
    saved: () =>
      secretSet
        ? "Shared secret rotated. Appliances must use the new one to register."
        : "Shared secret set. Appliances can register now.",
    keepValues: false,
  });
  const status =
    secretSet && changedAt
      ? `Set; last changed ${formatAgo(changedAt)} (${formatDateTime(changedAt)}).`
      : secretSet
        ? "Set."
        : "Not set: appliances cannot register.";

  return (
    <SettingsSection
      id="secret"
      title="Shared secret"
      description={<span data-testid="secret-status">{status}</span>}
      form={form}
      submit={submit}
      submitLabel={secretSet ? "Rotate secret" : "Set secret"}
    >
      <TextField
        label={secretSet ? "New shared secret" : "Shared secret"}
        type="password"
        autoComplete="new-password"
        spellCheck={false}
        hint={`${rules.secret.minLength}–${rules.secret.maxLength} printable characters without spaces. Registered appliances keep their tokens; new registrations need the new secret.`}
        error={form.formState.errors.secret?.message}
        {...form.register("secret")}
      />
    </SettingsSection>
  );
}
