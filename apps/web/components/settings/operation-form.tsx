"use client";

import { useMutation } from "@tanstack/react-query";
import { useMemo } from "react";
import { z } from "zod";
import { CheckboxField, TextField } from "@/components/ui/field";
import { wholeNumber, type Rules } from "@/lib/forms";
import { useTRPC } from "@/lib/trpc";
import { SettingsSection, useSettingsForm } from "./settings-form";

export function OperationForm({
  rules,
  enabled,
  approvalRequired,
  alertThresholdPct,
}: {
  rules: Rules;
  enabled: boolean;
  approvalRequired: boolean;
  alertThresholdPct: number;
}) {
  const trpc = useTRPC();
  const mutation = useMutation(trpc.admin.settings.setOperation.mutationOptions());
  const schema = useMemo(
    () =>
      z.object({
        enabled: z.boolean(),
        approvalRequired: z.boolean(),
        alertThresholdPct: wholeNumber(rules.alertThresholdPct),
      }),
    [rules],
  );
  const { form, submit } = useSettingsForm({
    schema,
    defaults: { enabled, approvalRequired, alertThresholdPct: String(alertThresholdPct) },
    save: (values) => mutation.mutateAsync(values),
    field: "alertThresholdPct",
    saved: (v) =>
      `Saved: server ${v.enabled ? "enabled" : "disabled"}, approval ${v.approvalRequired ? "required" : "not required"}, alert at ${v.alertThresholdPct} %.`,
  });
  return (
    <SettingsSection
      id="operation"
      title="Operation"
      description="Whether the server hands out sessions, who may join, and when the overview warns."
      form={form}
      submit={submit}
    >
      <CheckboxField
        label="Server enabled"
        hint="Disabled: registrations and new grants are refused; existing grants stay until released or reclaimed."
        {...form.register("enabled")}
      />
      <CheckboxField
        label="Approval required for new participants"
        hint="Unknown serials are recorded and wait on the Participants page until approved."
        {...form.register("approvalRequired")}
      />
      <TextField
        label="Utilisation alert threshold"
        type="number"
        inputMode="numeric"
        unit="%"
        min={rules.alertThresholdPct.min}
        max={rules.alertThresholdPct.max}
        hint="The overview's utilisation bar turns red from here, amber 15 points before."
        error={form.formState.errors.alertThresholdPct?.message}
        className="max-w-xs"
        {...form.register("alertThresholdPct")}
      />
    </SettingsSection>
  );
}
