"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Menu, MenuItem } from "@/components/ui/menu";
import { refusalOf } from "@/lib/errors";
import { formatCount } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";

interface Target {
  serial: string;
  granted: number;
  pending: number;
  approved: boolean;
}

type Action = "approve" | "forceRelease" | "remove";

/** Approve, force release and remove, each behind a confirmation that says what will happen. */
export function ParticipantActions({
  participant,
  compact = false,
  afterRemove,
}: {
  participant: Target;
  compact?: boolean;
  afterRemove?: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [confirming, setConfirming] = useState<Action | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
  const onError = (error: unknown) => toast.error(refusalOf(error).message);

  const approve = useMutation(
    trpc.admin.participants.approve.mutationOptions({
      onSuccess: () => toast.success(`${participant.serial} approved; it can register now.`),
      onError,
      onSettled: () => {
        setConfirming(null);
        return refresh();
      },
    }),
  );
  const forceRelease = useMutation(
    trpc.admin.participants.forceRelease.mutationOptions({
      onSuccess: ({ freed, withdrawn }) =>
        toast.success(
          `Released ${formatCount(freed)} granted and withdrew ${formatCount(withdrawn)} pending sessions of ${participant.serial}.`,
        ),
      onError,
      onSettled: () => {
        setConfirming(null);
        return refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.admin.participants.remove.mutationOptions({
      onSuccess: () => {
        toast.success(`${participant.serial} removed.`);
        if (afterRemove) afterRemove();
        else router.refresh();
      },
      onError,
      onSettled: () => {
        setConfirming(null);
        return refresh();
      },
    }),
  );
  const holds = participant.granted + participant.pending > 0;
  const holdsNothing = holds ? undefined : "Holds no sessions";

  return (
    <div className="inline-flex gap-1.5">
      {compact ? (
        <Menu
          label={
            <span aria-hidden className="px-1 text-base leading-none">
              ⋯
            </span>
          }
          caret={false}
          srLabel={`Actions for ${participant.serial}`}
        >
          {(close) => (
            <>
              {!participant.approved && (
                <MenuItem
                  onSelect={() => {
                    close();
                    setConfirming("approve");
                  }}
                >
                  Approve…
                </MenuItem>
              )}
              <MenuItem
                onSelect={() => {
                  close();
                  setConfirming("forceRelease");
                }}
                disabled={!holds}
                title={holdsNothing}
              >
                Force release…
              </MenuItem>
              <MenuItem
                onSelect={() => {
                  close();
                  setConfirming("remove");
                }}
                danger
              >
                Remove…
              </MenuItem>
            </>
          )}
        </Menu>
      ) : (
        <>
          {!participant.approved && (
            <Button variant="primary" onClick={() => setConfirming("approve")}>
              Approve
            </Button>
          )}
          <Button onClick={() => setConfirming("forceRelease")} disabled={!holds} title={holdsNothing}>
            Force release
          </Button>
          <Button variant="ghost" className="text-red-300 hover:text-red-200" onClick={() => setConfirming("remove")}>
            Remove
          </Button>
        </>
      )}

      <ConfirmDialog
        open={confirming === "approve"}
        title={`Approve ${participant.serial}?`}
        confirmLabel="Approve"
        tone="primary"
        busy={approve.isPending}
        onConfirm={() => approve.mutate({ serial: participant.serial })}
        onClose={() => setConfirming(null)}
      >
        It may then register and draw sessions from the pool.
      </ConfirmDialog>
      <ConfirmDialog
        open={confirming === "forceRelease"}
        title={`Force release ${participant.serial}?`}
        confirmLabel="Force release"
        busy={forceRelease.isPending}
        onConfirm={() => forceRelease.mutate({ serial: participant.serial })}
        onClose={() => setConfirming(null)}
      >
        Its {formatCount(participant.granted)} granted sessions return to the pool (serving the oldest pending demand
        first) and its {formatCount(participant.pending)} pending sessions are withdrawn. The appliance learns it at its
        next refresh and may ask again.
      </ConfirmDialog>
      <ConfirmDialog
        open={confirming === "remove"}
        title={`Remove ${participant.serial}?`}
        confirmLabel="Remove participant"
        busy={remove.isPending}
        onConfirm={() => remove.mutate({ serial: participant.serial })}
        onClose={() => setConfirming(null)}
      >
        Its grant and pending demand are taken back and its record is deleted; its token stops working. Its audit
        history stays. The appliance can register again with the shared secret.
      </ConfirmDialog>
    </div>
  );
}
