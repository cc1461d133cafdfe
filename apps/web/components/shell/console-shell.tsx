"use client";

import type { ReactNode } from "react";
import { AccountMenu } from "./account-menu";
import { AuthGate } from "./auth-gate";
import { Sidebar } from "./sidebar";

export function ConsoleShell({ children }: { children: ReactNode }) {
  return (
    <AuthGate>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded focus:bg-sky-500 focus:px-3 focus:py-2 focus:text-slate-950"
      >
        Skip to content
      </a>
      <div className="md:grid md:min-h-screen md:grid-cols-[13rem_1fr]">
        <aside className="border-b border-slate-800 bg-slate-900/60 p-3 md:border-b-0 md:border-r md:p-4">
          <div className="mb-4 hidden items-center gap-2 px-2 md:flex">
            <span
              aria-hidden
              className="grid size-7 place-items-center rounded-md bg-sky-500 text-sm font-bold text-slate-950"
            >
              SL
            </span>
            <span className="text-sm font-semibold leading-tight">
              Shared License
              <br />
              <span className="text-slate-400">Server</span>
            </span>
          </div>
          <Sidebar />
        </aside>
        <div className="min-w-0">
          <header className="flex items-center justify-end border-b border-slate-800 px-4 py-2.5 md:px-8">
            <AccountMenu />
          </header>
          <main id="main" className="mx-auto max-w-[90rem] px-4 py-6 md:px-6 lg:px-8">
            {children}
          </main>
        </div>
      </div>
    </AuthGate>
  );
}
