"use client";

import "@/lib/zod-without-eval";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpLink } from "@trpc/client";
import { useState, type ReactNode } from "react";
import { Toaster } from "sonner";
import type { AppRouter } from "@sls/server";
import { isSignedOut } from "@/lib/errors";
import { CONSOLE_HEADERS, TRPCProvider } from "@/lib/trpc";

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(() => {
    // A session that ends (expiry, sign-out elsewhere, password reset) sends the gate back to the login page.
    const onError = (error: unknown) => {
      if (isSignedOut(error)) void client.invalidateQueries({ queryKey: [["auth", "state"]] });
    };
    const client: QueryClient = new QueryClient({
      queryCache: new QueryCache({ onError }),
      mutationCache: new MutationCache({ onError }),
      defaultOptions: {
        queries: {
          staleTime: 1_000,
          retry: (count, error) => !isSignedOut(error) && count < 2,
        },
      },
    });
    return client;
  });
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({ links: [httpLink({ url: "/api/trpc", headers: () => CONSOLE_HEADERS })] }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
        <Toaster theme="dark" position="bottom-right" richColors closeButton />
      </TRPCProvider>
    </QueryClientProvider>
  );
}
