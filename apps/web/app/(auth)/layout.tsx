import type { ReactNode } from "react";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center bg-[radial-gradient(ellipse_at_top,_var(--color-slate-900),_var(--color-slate-950))] px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-3">
          <span aria-hidden className="grid size-9 place-items-center rounded-lg bg-sky-500 font-bold text-slate-950">
            SL
          </span>
          <span className="text-lg font-semibold">Shared License Server</span>
        </div>
        <div className="rounded-xl border border-slate-800 bg-slate-900/80 p-6 shadow-xl">{children}</div>
      </div>
    </main>
  );
}
