"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { type Path, useFieldArray, useForm, useWatch } from "react-hook-form";
import { toast } from "sonner";
import { useAccount } from "@/components/shell/account-context";
import { Button } from "@/components/ui/button";
import { CheckboxField, TextField } from "@/components/ui/field";
import { Panel } from "@/components/ui/panel";
import { capitalise } from "@/lib/apply-refusal";
import { refusalOf } from "@/lib/errors";
import { formatCount } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { GroupFields } from "./group-fields";
import { type Effect, PolicyEffectPanel } from "./policy-effect";
import {
  effectInForce,
  fieldOfIssue,
  NEW_GROUP,
  type PolicyDefinition,
  type PolicyFormValues,
  valuesOf,
  ZPolicyForm,
} from "@/lib/policy-form";

const FIGURES_REFRESH_MS = 3_000;

/**
 * The policy as a form: groups in order (moved, added, removed), the pool-wide pause and the
 * participant caps, with the preview beside it. Preview sends the form to admin.policy.preview,
 * Save to admin.policy.save; a refusal is shown above the buttons with the server's message, and
 * on the field it names when it names one. Keyed by the version in force, so a save or a rollback
 * (here or elsewhere) starts it afresh.
 */
export function PolicyEditor({ definition }: { definition: PolicyDefinition }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const account = useAccount();
  const form = useForm<PolicyFormValues, unknown, PolicyDefinition>({
    resolver: zodResolver(ZPolicyForm as never) as never,
    defaultValues: valuesOf(definition),
  });
  const groups = useFieldArray({ control: form.control, name: "groups" });
  const caps = useFieldArray({ control: form.control, name: "caps" });
  const watched = useWatch({ control: form.control });
  const [refusal, setRefusal] = useState<string | null>(null);
  const preview = useMutation(trpc.admin.policy.preview.mutationOptions());
  const save = useMutation(trpc.admin.policy.save.mutationOptions());
  const errors = form.formState.errors;
  const [effect, setEffect] = useState<Effect | null>(null);
  const typedNow = JSON.stringify(watched);

  // Until a preview, everyone sees the figures under the policy in force: the overview's per-group
  // figures, which read no participant under the pool lock (a preview does, holding every grant).
  const overview = useQuery({ ...trpc.admin.overview.get.queryOptions(), refetchInterval: FIGURES_REFRESH_MS });
  const inForce = overview.data?.groups;
  const current = useMemo<Effect | null>(
    () =>
      inForce ? { kind: "current", effect: effectInForce(inForce), typed: JSON.stringify(valuesOf(definition)) } : null,
    [inForce, definition],
  );
  const shown = effect ?? current;

  const refused = (error: unknown) => {
    const { message, fields } = refusalOf(error);
    const values = form.getValues();
    for (const [path, text] of Object.entries(fields)) {
      const field = fieldOfIssue(path, values);
      if (field) form.setError(field as Path<PolicyFormValues>, { type: "server", message: `${capitalise(text)}.` });
    }
    setRefusal(message);
  };

  const send = (action: "preview" | "save") =>
    form.handleSubmit(async (policy) => {
      setRefusal(null);
      try {
        if (action === "preview") {
          const typed = JSON.stringify(form.getValues());
          setEffect({ kind: "preview", effect: await preview.mutateAsync(policy), typed });
          return;
        }
        const saved = await save.mutateAsync(policy);
        toast.success(
          `Policy saved as version ${saved.version}; ${formatCount(saved.served)} sessions granted at once.`,
        );
        await queryClient.invalidateQueries({ queryKey: trpc.admin.policy.pathKey() });
      } catch (error) {
        refused(error);
        toast.error(`Not ${action === "save" ? "saved" : "previewed"}: ${refusalOf(error).message}`);
      }
    });

  return (
    <div className="grid items-start gap-6 xl:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
      <Panel
        title="Groups"
        labelledBy="policy-form-title"
        description="In order: a participant belongs to the group naming its serial, else the first whose pattern matches, else default."
      >
        <form noValidate onSubmit={send("save")} aria-labelledby="policy-form-title" data-testid="policy-form">
          <fieldset disabled={!account.canChange} className="flex flex-col gap-4">
            {groups.fields.length === 0 && (
              <p className="text-sm text-slate-400">
                No groups: every participant is in default, served first come, first served.
              </p>
            )}
            {groups.fields.map((group, index) => (
              <GroupFields
                key={group.id}
                index={index}
                count={groups.fields.length}
                name={watched.groups?.[index]?.name ?? ""}
                register={form.register}
                errors={errors.groups}
                onMove={(to) => groups.move(index, to)}
                onRemove={() => groups.remove(index)}
              />
            ))}
            <div>
              <Button size="sm" onClick={() => groups.append({ ...NEW_GROUP })}>
                Add group
              </Button>
            </div>

            <CheckboxField
              label="Pause the whole pool"
              hint="No participant gets new sessions; releases, refreshes and reclaims go on."
              {...form.register("poolPaused")}
            />

            <fieldset className="flex flex-col gap-3" aria-labelledby="policy-caps-title">
              <legend id="policy-caps-title" className="text-sm font-semibold text-slate-200">
                Participant caps
              </legend>
              <p className="text-xs text-slate-400">
                The most sessions one participant may hold, below its platform limit.
              </p>
              {caps.fields.map((cap, index) => (
                <div key={cap.id} className="flex flex-wrap items-start gap-3" data-testid="policy-cap">
                  <TextField
                    label="Participant serial"
                    autoComplete="off"
                    error={errors.caps?.[index]?.serial?.message}
                    className="min-w-40 flex-1"
                    {...form.register(`caps.${index}.serial`)}
                  />
                  <TextField
                    label="Cap"
                    type="number"
                    inputMode="numeric"
                    min={0}
                    unit="sessions"
                    error={errors.caps?.[index]?.cap?.message}
                    className="w-32"
                    {...form.register(`caps.${index}.cap`)}
                  />
                  <Button size="sm" variant="ghost" className="mt-7 text-red-300" onClick={() => caps.remove(index)}>
                    Remove cap<span className="sr-only"> {index + 1}</span>
                  </Button>
                </div>
              ))}
              <div>
                <Button size="sm" onClick={() => caps.append({ serial: "", cap: "" })}>
                  Add cap
                </Button>
              </div>
            </fieldset>

            {refusal && (
              <p
                role="alert"
                data-testid="policy-refusal"
                className="rounded-md border border-red-900 bg-red-950/60 px-3 py-2 text-sm text-red-200"
              >
                {refusal}
              </p>
            )}
            <div className="flex flex-wrap items-center gap-3">
              <Button onClick={send("preview")} busy={preview.isPending}>
                Preview
              </Button>
              <Button type="submit" variant="primary" busy={form.formState.isSubmitting && save.isPending}>
                Save
              </Button>
              <Button
                variant="ghost"
                disabled={!form.formState.isDirty}
                onClick={() => {
                  form.reset(valuesOf(definition));
                  setRefusal(null);
                }}
              >
                Discard changes
              </Button>
              {!account.canChange && (
                <span className="text-xs text-slate-400">Read-only: viewers cannot preview or change the policy.</span>
              )}
            </div>
          </fieldset>
        </form>
      </Panel>
      <PolicyEffectPanel
        effect={shown}
        stale={shown !== null && shown.typed !== typedNow}
        canPreview={account.canChange}
      />
    </div>
  );
}
