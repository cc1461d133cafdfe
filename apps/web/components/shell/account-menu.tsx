"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { refusalOf } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import { useAccount } from "./account-context";

export function AccountMenu() {
  const trpc = useTRPC();
  const account = useAccount();
  const queryClient = useQueryClient();
  const router = useRouter();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSuccess: ({ providerLogoutUrl }) => {
        queryClient.clear();
        // An account from single sign-on also signs out at the provider, which sends the browser back to /login.
        if (providerLogoutUrl) window.location.assign(providerLogoutUrl);
        else router.replace("/login");
      },
      onError: (error) => toast.error(`Could not sign out: ${refusalOf(error).message}`),
    }),
  );
  return (
    <div className="flex items-center gap-3">
      <span className="text-sm text-slate-300" data-testid="signed-in-as">
        {account.name}
      </span>
      <Badge tone={account.role === "admin" ? "info" : "neutral"}>{account.role}</Badge>
      <Button size="sm" variant="ghost" onClick={() => logout.mutate()} busy={logout.isPending}>
        Sign out
      </Button>
    </div>
  );
}
