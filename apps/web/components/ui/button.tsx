import type { ButtonHTMLAttributes, Ref } from "react";
import { cx } from "./cx";

type Variant = "primary" | "secondary" | "danger" | "ghost";

const VARIANTS: Record<Variant, string> = {
  primary: "bg-sky-500 text-slate-950 hover:bg-sky-400 disabled:bg-sky-900 disabled:text-slate-400",
  secondary: "border border-slate-700 bg-slate-800 text-slate-100 hover:bg-slate-700 disabled:text-slate-500",
  // White reads at 6.4:1 on red-700 and 4.6:1 on red-600 (on red-500, 3.8:1: under WCAG AA).
  danger: "bg-red-700 text-white hover:bg-red-600 disabled:bg-red-950 disabled:text-red-300",
  ghost: "text-slate-300 hover:bg-slate-800 hover:text-white disabled:text-slate-600",
};

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  size?: "sm" | "md";
  busy?: boolean;
  ref?: Ref<HTMLButtonElement>;
}

export function Button({
  variant = "secondary",
  size = "md",
  busy = false,
  className,
  disabled,
  children,
  type = "button",
  ...rest
}: ButtonProps) {
  return (
    <button
      type={type}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      className={cx(
        "inline-flex items-center justify-center gap-2 rounded-md font-medium transition-colors disabled:cursor-not-allowed",
        size === "sm" ? "px-2.5 py-1 text-xs" : "px-3.5 py-2 text-sm",
        VARIANTS[variant],
        className,
      )}
      {...rest}
    >
      {busy && (
        <span aria-hidden className="size-3 animate-spin rounded-full border-2 border-current border-r-transparent" />
      )}
      {children}
    </button>
  );
}
