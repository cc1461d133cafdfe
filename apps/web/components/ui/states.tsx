import type { ReactNode } from "react";
import { refusalOf } from "@/lib/errors";
import { Button } from "./button";
import { cx } from "./cx";

/** A placeholder the size of what is loading, announced to screen readers once. */
export function Loading({ label, className }: { label: string; className?: string }) {
  return (
    <div
      role="status"
      aria-live="polite"
      aria-busy="true"
      className={cx("animate-pulse rounded-lg bg-slate-800/60", className ?? "h-24")}
    >
      <span className="sr-only">{label}</span>
    </div>
  );
}

export function ErrorState({ error, what, onRetry }: { error: unknown; what: string; onRetry?: () => void }) {
  return (
    <div
      role="alert"
      className="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-red-900 bg-red-950/60 px-4 py-3 text-sm text-red-200"
    >
      <span>
        Could not load {what}: {refusalOf(error).message}
      </span>
      {onRetry && (
        <Button size="sm" onClick={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-slate-700 px-6 py-10 text-center">
      <p className="font-medium text-slate-200">{title}</p>
      {/* Running text: its links are underlined, as in a paragraph (globals.css). */}
      {children && (
        <div className="mt-1 text-sm text-slate-400 [&_a]:underline [&_a]:underline-offset-[0.2em]">{children}</div>
      )}
    </div>
  );
}
