import type { Metadata } from "next";
import { Suspense } from "react";
import { AuditPage } from "@/components/audit/audit-page";
import { Loading } from "@/components/ui/states";

export const metadata: Metadata = { title: "Audit history" };

export default function Page() {
  return (
    <Suspense fallback={<Loading label="Loading the audit history" className="h-96" />}>
      <AuditPage />
    </Suspense>
  );
}
