"use client";

import { isSerial } from "@sls/server/contracts";
import { useMutation } from "@tanstack/react-query";
import { z } from "zod";
import { CheckboxField, TextField } from "@/components/ui/field";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";
import { SettingsSection, useSettingsForm } from "./settings-form";

type Backup = RouterOutputs["admin"]["settings"]["get"]["backup"];

const SERIAL_MESSAGE = "1–64 characters of A–Z a–z 0–9 . _ -";

const ZBackupForm = z
  .object({
    enabled: z.boolean(),
    address: z.string().trim(),
    serial: z.string().trim(),
    peerSerial: z.string().trim(),
  })
  .superRefine((v, ctx) => {
    if (!v.enabled) return;
    if (!v.address)
      ctx.addIssue({
        code: "custom",
        path: ["address"],
        message: "Enter the backup server's address, e.g. backup.example.net:3000.",
      });
    if (!isSerial(v.serial))
      ctx.addIssue({ code: "custom", path: ["serial"], message: `The backup's serial: ${SERIAL_MESSAGE}.` });
    if (v.peerSerial && !isSerial(v.peerSerial))
      ctx.addIssue({ code: "custom", path: ["peerSerial"], message: SERIAL_MESSAGE });
    if (v.peerSerial && v.peerSerial === v.serial)
      ctx.addIssue({
        code: "custom",
        path: ["peerSerial"],
        message: "The peer is the other unit, not the backup itself.",
      });
  })
  .transform((v) => (v.enabled ? { address: v.address, serial: v.serial, peerSerial: v.peerSerial || null } : null));

export function BackupForm({ backup }: { backup: Backup }) {
  const trpc = useTRPC();
  const mutation = useMutation(trpc.admin.settings.setBackup.mutationOptions());
  const { form, submit } = useSettingsForm({
    schema: ZBackupForm,
    defaults: {
      enabled: backup !== null,
      address: backup?.address ?? "",
      serial: backup?.serial ?? "",
      peerSerial: backup?.peerSerial ?? "",
    },
    save: (value) => mutation.mutateAsync({ backup: value }),
    field: "address",
    saved: (value) => (value ? `Backup server set to ${value.serial} at ${value.address}.` : "Backup server removed."),
  });
  const enabled = form.watch("enabled");
  const { errors } = form.formState;
  return (
    <SettingsSection
      id="backup"
      title="Backup server"
      description="Participants are told this address and turn to it when this server cannot be reached."
      form={form}
      submit={submit}
    >
      <CheckboxField
        label="Use a backup server"
        hint="Unticked: no backup; participants only know this server."
        {...form.register("enabled")}
      />
      {enabled && (
        <div className="grid gap-4 md:grid-cols-3">
          <TextField
            label="Address"
            placeholder="backup.example.net:3000"
            hint="Host or IP with optional port (http:// is assumed), or an http(s) URL; saved as a URL."
            error={errors.address?.message}
            {...form.register("address")}
          />
          <TextField
            label="Serial"
            placeholder="JAD2231B0CD"
            hint="The backup registers with this serial."
            error={errors.serial?.message}
            {...form.register("serial")}
          />
          <TextField
            label="Failover peer serial (optional)"
            hint="The other unit of the backup's failover pair."
            error={errors.peerSerial?.message}
            {...form.register("peerSerial")}
          />
        </div>
      )}
    </SettingsSection>
  );
}
