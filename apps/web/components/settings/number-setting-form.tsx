"use client";

import { useMemo, type ReactNode } from "react";
import { z } from "zod";
import { TextField } from "@/components/ui/field";
import { wholeNumber } from "@/lib/forms";
import { formatCount } from "@/lib/format";
import { SettingsSection, useSettingsForm } from "./settings-form";

/** A settings form of one whole number: the refresh interval and the pool size. */
export function NumberSettingForm({
  id,
  title,
  description,
  label,
  unit,
  hint,
  value,
  bounds,
  save,
  saved,
}: {
  id: string;
  title: string;
  description: ReactNode;
  label: string;
  unit: string;
  hint: ReactNode;
  value: number;
  bounds: { min: number; max: number };
  save: (value: number) => Promise<unknown>;
  saved: (value: number) => string;
}) {
  const schema = useMemo(() => z.object({ value: wholeNumber(bounds) }), [bounds]);
  const { form, submit } = useSettingsForm({
    schema,
    defaults: { value: String(value) },
    save: ({ value: next }) => save(next),
    field: "value",
    saved: ({ value: next }) => saved(next),
  });
  return (
    <SettingsSection id={id} title={title} description={description} form={form} submit={submit}>
      <TextField
        label={label}
        type="number"
        inputMode="numeric"
        min={bounds.min}
        max={bounds.max}
        unit={unit}
        hint={hint ?? `${formatCount(bounds.min)}–${formatCount(bounds.max)}`}
        error={form.formState.errors.value?.message}
        className="max-w-xs"
        {...form.register("value")}
      />
    </SettingsSection>
  );
}
