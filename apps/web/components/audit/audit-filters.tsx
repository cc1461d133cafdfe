"use client";

import { isSerial } from "@sls/server/contracts";
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { TYPE_GROUPS, typeLabel, typesOfGroup } from "./event-types";

export interface FilterValues {
  serial: string;
  type: string;
  /** `datetime-local` values, in the browser's time zone. */
  from: string;
  to: string;
}

/** The filter form: applied on submit, so typing a serial does not fire a query per key. */
export function AuditFilters({
  values,
  types,
  onChange,
}: {
  values: FilterValues;
  types: readonly string[];
  onChange: (values: FilterValues) => void;
}) {
  const [draft, setDraft] = useState(values);
  const typeId = useId();
  const serial = draft.serial.trim();
  const serialError = serial === "" || isSerial(serial) ? undefined : "A serial has 1–64 of A–Z a–z 0–9 . _ -";
  const rangeError = draft.from && draft.to && draft.from > draft.to ? "The end is before the start." : undefined;

  return (
    <form
      noValidate
      aria-label="Filter events"
      className="grid gap-4 md:grid-cols-[1fr_1fr_1fr_1fr_auto] md:items-start"
      onSubmit={(event) => {
        event.preventDefault();
        if (!serialError && !rangeError) onChange({ ...draft, serial: draft.serial.trim() });
      }}
    >
      <TextField
        label="Participant serial"
        value={draft.serial}
        onChange={(e) => setDraft({ ...draft, serial: e.target.value })}
        error={serialError}
        placeholder="any"
      />
      <div className="flex flex-col gap-1.5">
        <label htmlFor={typeId} className="text-sm font-medium text-slate-200">
          Event type
        </label>
        <select
          id={typeId}
          value={draft.type}
          onChange={(e) => setDraft({ ...draft, type: e.target.value })}
          className="rounded-md border border-slate-700 bg-slate-950 px-3 py-2 text-sm hover:border-slate-600"
        >
          <option value="">All events</option>
          {TYPE_GROUPS.map((group) => {
            const groupTypes = typesOfGroup(group.id, types);
            return groupTypes.length === 0 ? null : (
              <optgroup key={group.id} label={group.label}>
                <option value={`group:${group.id}`}>All {group.label.toLowerCase()}</option>
                {groupTypes.map((type) => (
                  <option key={type} value={type}>
                    {typeLabel(type)}
                  </option>
                ))}
              </optgroup>
            );
          })}
        </select>
      </div>
      <TextField
        label="From"
        type="datetime-local"
        value={draft.from}
        onChange={(e) => setDraft({ ...draft, from: e.target.value })}
      />
      <TextField
        label="To"
        type="datetime-local"
        value={draft.to}
        onChange={(e) => setDraft({ ...draft, to: e.target.value })}
        error={rangeError}
      />
      <div className="flex gap-2 md:pt-7">
        <Button type="submit" variant="primary">
          Apply
        </Button>
        <Button
          variant="ghost"
          onClick={() => {
            const cleared = { serial: "", type: "", from: "", to: "" };
            setDraft(cleared);
            onChange(cleared);
          }}
        >
          Clear
        </Button>
      </div>
    </form>
  );
}
