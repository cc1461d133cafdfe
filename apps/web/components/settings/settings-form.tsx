"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useEffect } from "react";
import { useForm, type DefaultValues, type FieldValues, type Path, type UseFormReturn } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { useAccount } from "@/components/shell/account-context";
import { Button } from "@/components/ui/button";
import { Panel } from "@/components/ui/panel";
import { applyRefusal } from "@/lib/apply-refusal";
import { useTRPC } from "@/lib/trpc";

interface Options<In extends FieldValues, Out> {
  schema: z.ZodType<Out, In>;
  defaults: DefaultValues<In>;
  /** Sends the validated values; throws the server's refusal. */
  save: (values: Out) => Promise<unknown>;
  /** Where a refusal that names no field is shown. */
  field: Path<In>;
  saved: (values: Out) => string;
  /** Keep the typed values after saving (false for the write-only secret). */
  keepValues?: boolean;
}

/**
 * One settings form: validated in the browser with the server's rules, sent, and on refusal
 * the server's message put next to its field; a toast on success.
 */
export function useSettingsForm<In extends FieldValues, Out>({
  schema,
  defaults,
  save,
  field,
  saved,
  keepValues = true,
}: Options<In, Out>) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm<In, unknown, Out>({ resolver: zodResolver(schema as never) as never, defaultValues: defaults });
  const submit = form.handleSubmit(async (values, event) => {
    rememberFocus(event?.target);
    try {
      await save(values);
      toast.success(saved(values));
      form.reset(keepValues ? form.getValues() : defaults);
      await queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
    } catch (error) {
      focusAfterSave = null;
      const message = applyRefusal(error, form, field);
      toast.error(`Not saved: ${message}`);
    }
  });
  return { form, submit };
}

/**
 * The settings page keys each form by the stored values, so a saved form is drawn anew and the
 * element that had focus goes with it. The saved form's id and the name of the field that had
 * focus are kept here until the new form mounts, which puts focus back there (on its first
 * field when it was the Save button), so that a keyboard user stays where they were.
 */
let focusAfterSave: { form: string; field: string | null } | null = null;

function rememberFocus(target: unknown) {
  if (!(target instanceof HTMLFormElement) || !target.contains(document.activeElement)) return;
  focusAfterSave = { form: target.id, field: document.activeElement?.getAttribute("name") ?? null };
}

function useFocusAfterSave(id: string) {
  useEffect(() => {
    if (focusAfterSave?.form !== id) return;
    const { field } = focusAfterSave;
    focusAfterSave = null;
    const form = document.getElementById(id);
    if (!form || (document.activeElement && document.activeElement !== document.body)) return;
    const target = form.querySelector<HTMLElement>(
      field ? `[name="${CSS.escape(field)}"]` : "input:not(:disabled), select:not(:disabled), textarea:not(:disabled)",
    );
    target?.focus();
  }, [id]);
}

export function SettingsSection<In extends FieldValues>({
  id,
  title,
  description,
  form,
  submit,
  children,
  submitLabel = "Save",
}: {
  id: string;
  title: string;
  description: ReactNode;
  form: UseFormReturn<In, unknown, unknown>;
  submit: () => void;
  children: ReactNode;
  submitLabel?: string;
}) {
  const account = useAccount();
  useFocusAfterSave(id);
  return (
    <Panel title={title} description={description} labelledBy={`${id}-title`} className="scroll-mt-6">
      <form id={id} noValidate onSubmit={submit} aria-labelledby={`${id}-title`} data-testid={`form-${id}`}>
        <fieldset disabled={!account.canChange} className="flex flex-col gap-4">
          {children}
          <div className="flex items-center gap-3">
            <Button
              type="submit"
              variant="primary"
              busy={form.formState.isSubmitting}
              disabled={!form.formState.isDirty}
            >
              {submitLabel}
            </Button>
            {!account.canChange && (
              <span className="text-xs text-slate-400">Read-only: viewers cannot change settings.</span>
            )}
          </div>
        </fieldset>
      </form>
    </Panel>
  );
}
