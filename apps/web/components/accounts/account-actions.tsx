"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { TextField } from "@/components/ui/field";
import { refusalOf } from "@/lib/errors";
import { newPasswordSchema, type Rules } from "@/lib/forms";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";

type Account = RouterOutputs["admin"]["accounts"]["list"]["accounts"][number];

export function AccountActions({
  account,
  isSelf,
  isLastAdmin,
  rules,
}: {
  account: Account;
  isSelf: boolean;
  isLastAdmin: boolean;
  rules: Rules;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<"role" | "password" | "remove" | null>(null);
  const [password, setPassword] = useState("");
  const [passwordError, setPasswordError] = useState<string | undefined>();
  const done = (message: string) => () => {
    toast.success(message);
    setOpen(null);
    void queryClient.invalidateQueries({ queryKey: trpc.admin.accounts.list.queryKey() });
  };
  const onError = (error: unknown) => toast.error(refusalOf(error).message);
  const otherRole = account.role === "admin" ? "viewer" : "admin";

  const setRole = useMutation(
    trpc.admin.accounts.setRole.mutationOptions({
      onSuccess: done(`${account.name} is now ${otherRole === "admin" ? "an admin" : "a viewer"}.`),
      onError,
    }),
  );
  const reset = useMutation(
    trpc.admin.accounts.resetPassword.mutationOptions({
      onSuccess: done(`Password of ${account.name} reset; its sessions are signed out.`),
      onError,
    }),
  );
  const remove = useMutation(
    trpc.admin.accounts.remove.mutationOptions({ onSuccess: done(`Account ${account.name} removed.`), onError }),
  );
  const breakGlass = useMutation(
    trpc.admin.accounts.setBreakGlass.mutationOptions({
      onSuccess: done(
        account.breakGlass
          ? `${account.name} is no longer break-glass.`
          : `${account.name} is break-glass: its password signs in even when local sign-in is off.`,
      ),
      onError,
    }),
  );
  const lastAdminNote = "The last administrator cannot be demoted or removed.";

  return (
    <div className="inline-flex gap-1.5">
      {/* An account from single sign-on has no password, and its role follows the provider's groups. */}
      {!account.fromProvider && (
        <>
          <Button
            size="sm"
            onClick={() => setOpen("role")}
            disabled={isLastAdmin}
            title={isLastAdmin ? lastAdminNote : undefined}
          >
            Make {otherRole}
          </Button>
          <Button
            size="sm"
            onClick={() => {
              setPassword("");
              setPasswordError(undefined);
              setOpen("password");
            }}
          >
            Reset password
          </Button>
          <Button
            size="sm"
            busy={breakGlass.isPending}
            onClick={() => breakGlass.mutate({ id: account.id, breakGlass: !account.breakGlass })}
            title="A break-glass account may sign in with its password even when SLS_LOCAL_LOGIN=off."
          >
            {account.breakGlass ? "Unmark break-glass" : "Mark break-glass"}
          </Button>
        </>
      )}
      <Button
        size="sm"
        variant="ghost"
        className="text-red-300"
        onClick={() => setOpen("remove")}
        disabled={isSelf || isLastAdmin}
        title={isSelf ? "You cannot remove yourself." : isLastAdmin ? lastAdminNote : undefined}
      >
        Remove
      </Button>

      <ConfirmDialog
        open={open === "role"}
        title={`Make ${account.name} ${otherRole === "admin" ? "an administrator" : "a viewer"}?`}
        confirmLabel={`Make ${otherRole}`}
        tone="primary"
        busy={setRole.isPending}
        onConfirm={() => setRole.mutate({ id: account.id, role: otherRole })}
        onClose={() => setOpen(null)}
      >
        {otherRole === "admin"
          ? "It will be able to change every setting, participant and account."
          : "It will see every page but change nothing."}
      </ConfirmDialog>
      <ConfirmDialog
        open={open === "password"}
        title={`Reset the password of ${account.name}`}
        confirmLabel="Set password"
        tone="primary"
        busy={reset.isPending}
        onConfirm={() => {
          const checked = newPasswordSchema(rules).safeParse(password);
          if (!checked.success) return setPasswordError(checked.error.issues[0]?.message);
          reset.mutate({ id: account.id, password });
        }}
        onClose={() => setOpen(null)}
      >
        <p className="mb-3">Every session of this account is signed out.</p>
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={passwordError}
        />
      </ConfirmDialog>
      <ConfirmDialog
        open={open === "remove"}
        title={`Remove ${account.name}?`}
        confirmLabel="Remove account"
        busy={remove.isPending}
        onConfirm={() => remove.mutate({ id: account.id })}
        onClose={() => setOpen(null)}
      >
        It can no longer sign in; its sessions end now. Its past actions stay in the audit history.
      </ConfirmDialog>
    </div>
  );
}
