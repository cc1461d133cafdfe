import type { Metadata } from "next";
import { Suspense } from "react";
import { ParticipantsPage } from "@/components/participants/participants-page";
import { Loading } from "@/components/ui/states";

export const metadata: Metadata = { title: "Participants" };

export default function Page() {
  return (
    <Suspense fallback={<Loading label="Loading participants" className="h-96" />}>
      <ParticipantsPage />
    </Suspense>
  );
}
