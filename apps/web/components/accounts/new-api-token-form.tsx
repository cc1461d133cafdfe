"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useRef, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { Panel } from "@/components/ui/panel";
import { refusalOf } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";

const DAY_MS = 86_400_000;
const EXPIRIES = [
  { value: "never", label: "never (until revoked)" },
  { value: "30", label: "in 30 days" },
  { value: "90", label: "in 90 days" },
  { value: "365", label: "in a year" },
];

/** Creates a token and shows it once, with a copy button: the server keeps only its hash. */
export function NewApiTokenForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [scope, setScope] = useState<"viewer" | "admin">("viewer");
  const [expiry, setExpiry] = useState("90");
  const [error, setError] = useState<string | undefined>();
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const shown = useRef<HTMLInputElement>(null);
  const create = useMutation(trpc.admin.tokens.create.mutationOptions());

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const expiresAt = expiry === "never" ? undefined : new Date(Date.now() + Number(expiry) * DAY_MS).toISOString();
      const answer = await create.mutateAsync({ name, scope, ...(expiresAt ? { expiresAt } : {}) });
      setCreated({ name: answer.name, token: answer.token });
      setName("");
      await queryClient.invalidateQueries({ queryKey: trpc.admin.tokens.list.queryKey() });
    } catch (failure) {
      const refusal = refusalOf(failure);
      setError(refusal.fields.name ?? refusal.message);
    }
  };

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.token);
      toast.success("Token copied.");
    } catch {
      // Without a secure context (plain HTTP to another host) the clipboard API is absent.
      shown.current?.select();
      toast.info("Selected: press Ctrl+C (or ⌘C) to copy it.");
    }
  };

  return (
    <Panel
      title="Create an API token"
      description="It is shown once; store it where your script reads it."
      labelledBy="new-token-title"
    >
      {created ? (
        <div className="flex flex-col gap-3" data-testid="new-api-token">
          <p className="text-sm text-slate-300">
            Token <span className="font-medium">{created.name}</span> created. Copy it now: it cannot be shown again.
          </p>
          <input
            ref={shown}
            readOnly
            aria-label="The new token"
            value={created.token}
            onFocus={(event) => event.target.select()}
            className="w-full rounded-md border border-slate-700 bg-slate-950 px-3 py-2 font-mono text-xs text-slate-100"
          />
          <div className="flex gap-2">
            <Button variant="primary" onClick={() => void copy()}>
              Copy
            </Button>
            <Button onClick={() => setCreated(null)}>Done</Button>
          </div>
        </div>
      ) : (
        <form
          noValidate
          onSubmit={(e) => void submit(e)}
          className="flex flex-col gap-4"
          aria-labelledby="new-token-title"
          data-testid="form-new-api-token"
        >
          <TextField
            label="Name"
            autoComplete="off"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={error}
            hint="What uses it, e.g. nightly-report."
          />
          <SelectField
            label="Scope"
            value={scope}
            onChange={(value) => setScope(value === "admin" ? "admin" : "viewer")}
            options={[
              { value: "viewer", label: "viewer: reads, changes nothing" },
              { value: "admin", label: "admin: reads and changes" },
            ]}
          />
          <SelectField label="Expires" value={expiry} onChange={setExpiry} options={EXPIRIES} />
          <Button type="submit" variant="primary" busy={create.isPending}>
            Create token
          </Button>
        </form>
      )}
    </Panel>
  );
}
