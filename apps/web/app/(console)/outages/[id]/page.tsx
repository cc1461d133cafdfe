import type { Metadata } from "next";
import { OutageReport } from "@/components/outages/outage-report";

export const metadata: Metadata = { title: "Outage report" };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <OutageReport id={decodeURIComponent(id)} />;
}
