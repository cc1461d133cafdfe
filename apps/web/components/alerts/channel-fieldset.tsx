"use client";

import { useMutation } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { toast } from "sonner";
import { useAccount } from "@/components/shell/account-context";
import { Button } from "@/components/ui/button";
import { refusalOf } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";

type Channel = "webhook" | "syslog" | "email";

/** One channel: its on/off switch with its test button, and its fields when on. */
export function ChannelFieldset({
  channel,
  saved,
  toggle,
  children,
}: {
  channel: Channel;
  saved: boolean;
  toggle: ReactNode;
  children: ReactNode;
}) {
  return (
    <fieldset
      className="flex flex-col gap-3 rounded-lg border border-slate-800 p-4"
      data-testid={`alert-channel-${channel}`}
    >
      <div className="flex items-center justify-between gap-3">
        {toggle}
        <TestButton channel={channel} saved={saved} />
      </div>
      {children}
    </fieldset>
  );
}

function TestButton({ channel, saved }: { channel: Channel; saved: boolean }) {
  const trpc = useTRPC();
  const account = useAccount();
  const test = useMutation(trpc.admin.alerts.sendTest.mutationOptions());
  const send = async () => {
    try {
      const delivery = await test.mutateAsync({ channel });
      if (delivery.status === "delivered") toast.success(`Test alert delivered to the ${channel} channel.`);
      else
        toast.error(
          `Test alert not delivered: ${delivery.lastError ?? "unknown error"}. It is retried; see the Alerts page.`,
        );
    } catch (error) {
      toast.error(refusalOf(error).message);
    }
  };
  return (
    <Button
      size="sm"
      onClick={() => void send()}
      busy={test.isPending}
      disabled={!saved || !account.canChange}
      title={saved ? undefined : "Save the channel first"}
    >
      Send a test
    </Button>
  );
}
