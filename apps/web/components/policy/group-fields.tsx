"use client";

import type { FieldErrors, UseFormRegister } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { CheckboxField, TextAreaField, TextField } from "@/components/ui/field";
import type { PolicyFormValues } from "@/lib/policy-form";

/** One group of the policy form, with the buttons that move it in the order or remove it. */
export function GroupFields({
  index,
  count,
  name,
  register,
  errors,
  onMove,
  onRemove,
}: {
  index: number;
  count: number;
  /** The name as typed now, for the legend. */
  name: string;
  register: UseFormRegister<PolicyFormValues>;
  errors: FieldErrors<PolicyFormValues>["groups"];
  onMove: (to: number) => void;
  onRemove: () => void;
}) {
  const error = errors?.[index];
  const field = (key: keyof PolicyFormValues["groups"][number]) => register(`groups.${index}.${key}`);
  const which = `group ${index + 1}`;
  return (
    <fieldset
      className="rounded-lg border border-slate-800 bg-slate-950/40 p-4"
      data-testid="policy-group"
      aria-label={`Group ${index + 1}`}
    >
      <legend className="px-1 text-sm font-semibold text-slate-200">
        {index + 1}. {name.trim() || "new group"}
      </legend>
      <div className="mb-3 flex flex-wrap justify-end gap-1.5">
        <Button size="sm" variant="ghost" disabled={index === 0} onClick={() => onMove(index - 1)}>
          Move up<span className="sr-only"> {which}</span>
        </Button>
        <Button size="sm" variant="ghost" disabled={index === count - 1} onClick={() => onMove(index + 1)}>
          Move down<span className="sr-only"> {which}</span>
        </Button>
        <Button size="sm" variant="ghost" className="text-red-300" onClick={onRemove}>
          Remove<span className="sr-only"> {which}</span>
        </Button>
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField
          label="Name"
          hint="a–z, 0–9 and -"
          autoComplete="off"
          error={error?.name?.message}
          {...field("name")}
        />
        <TextField
          label="Priority"
          type="number"
          inputMode="numeric"
          hint="Higher is served first when sessions come back"
          error={error?.priority?.message}
          {...field("priority")}
        />
        <TextField
          label="Reserve"
          type="number"
          inputMode="numeric"
          min={0}
          unit="sessions"
          hint="Held for this group only"
          error={error?.reserve?.message}
          {...field("reserve")}
        />
        <TextField
          label="Max"
          type="number"
          inputMode="numeric"
          min={0}
          unit="sessions"
          hint="Empty: no max"
          error={error?.max?.message}
          {...field("max")}
        />
        <div className="sm:col-span-2">
          <CheckboxField label="Paused" hint="Its members get no new sessions for now" {...field("paused")} />
        </div>
        <TextAreaField
          label="Serials"
          rows={3}
          hint="One per line; a serial named here wins over any pattern"
          error={error?.serials?.message}
          {...field("serials")}
        />
        <TextAreaField
          label="Patterns"
          rows={3}
          hint="Over serial or hostname: * any run, ? one character (FTX*, *.lab.example.net)"
          error={error?.patterns?.message}
          {...field("patterns")}
        />
      </div>
    </fieldset>
  );
}
