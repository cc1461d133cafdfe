"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cx } from "@/components/ui/cx";
import { useAccount } from "./account-context";
import {
  AccountsIcon,
  AlertsIcon,
  AuditIcon,
  CapacityIcon,
  OutagesIcon,
  OverviewIcon,
  ParticipantsIcon,
  PolicyIcon,
  SettingsIcon,
} from "./icons";

const LINKS = [
  { href: "/", label: "Overview", icon: <OverviewIcon /> },
  { href: "/participants", label: "Participants", icon: <ParticipantsIcon /> },
  { href: "/audit", label: "Audit history", icon: <AuditIcon /> },
  { href: "/policy", label: "Policy", icon: <PolicyIcon /> },
  { href: "/capacity", label: "Capacity", icon: <CapacityIcon /> },
  { href: "/alerts", label: "Alerts", icon: <AlertsIcon /> },
  { href: "/outages", label: "Outages", icon: <OutagesIcon /> },
  { href: "/settings", label: "Settings", icon: <SettingsIcon /> },
  { href: "/accounts", label: "Accounts", icon: <AccountsIcon />, adminOnly: true },
] as const;

export function Sidebar() {
  const pathname = usePathname();
  const account = useAccount();
  const isCurrent = (href: string) => (href === "/" ? pathname === "/" : pathname.startsWith(href));
  return (
    <nav aria-label="Console" className="flex gap-1 overflow-x-auto md:flex-col">
      {LINKS.filter((link) => !("adminOnly" in link) || account.canChange).map((link) => (
        <Link
          key={link.href}
          href={link.href}
          aria-current={isCurrent(link.href) ? "page" : undefined}
          className={cx(
            "flex items-center gap-3 whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium",
            isCurrent(link.href)
              ? "bg-slate-800 text-white"
              : "text-slate-400 hover:bg-slate-800/60 hover:text-slate-100",
          )}
        >
          <span className={isCurrent(link.href) ? "text-sky-300" : "text-slate-500"}>{link.icon}</span>
          {link.label}
        </Link>
      ))}
    </nav>
  );
}
