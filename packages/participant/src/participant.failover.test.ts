import { describe, expect, it } from "vitest";
import { BACKUP_URL, MAIN_URL, setup } from "../test/kit/setup.ts";

describe("failover to the backup server", () => {
  it("learns the backup's address from the server's answers", async () => {
    const { participant, withBackup } = setup();
    withBackup();
    await participant.start();
    expect(participant.state.backupUrl).toBe(BACKUP_URL);
  });

  it("turns to the backup when the main server cannot be reached", async () => {
    const { participant, main, clock, named, withBackup, startWithLoad } = setup();
    const backup = withBackup();
    await startWithLoad(300);
    main.mode = "down";
    await clock.advanceSeconds(30);
    expect(named("failed-over")).toEqual([{ from: "main", to: "backup", baseUrl: BACKUP_URL, reason: "unreachable" }]);
    expect(backup.callsOf("refresh").length).toBeGreaterThan(0);
    expect(participant.state.server).toBe("backup");
    expect(named("grace-started")).toEqual([]);
  });

  it("goes back to the main server when the backup answers BACKUP_INACTIVE", async () => {
    const { participant, main, clock, named, withBackup } = setup();
    const backup = withBackup();
    await participant.start();
    main.mode = "down";
    await clock.advanceSeconds(30);
    expect(participant.state.server).toBe("backup");

    main.mode = "up";
    backup.mode = "inactive";
    await clock.advanceSeconds(30);
    expect(named("failed-over").at(-1)).toEqual({
      from: "backup",
      to: "main",
      baseUrl: MAIN_URL,
      reason: "backup-inactive",
    });
    expect(participant.state.server).toBe("main");
    expect(main.callsOf("refresh").length).toBeGreaterThan(0);
  });

  it("treats a call that times out like an unreachable server", async () => {
    const { participant, main, clock, named, withBackup } = setup({ callTimeoutMs: 3_000 });
    const backup = withBackup();
    await participant.start();
    main.mode = "hang";
    await clock.advanceSeconds(33);
    expect(named("failed-over")).toHaveLength(1);
    expect(backup.callsOf("refresh").length).toBeGreaterThan(0);
  });

  it("registers at the backup when the backup does not know its token", async () => {
    const { participant, main, clock, withBackup } = setup();
    const backup = withBackup();
    await participant.start();
    main.mode = "down";
    await clock.advanceSeconds(30);
    expect(backup.callsOf("refresh").map((c) => c.token)).toEqual([
      "tok-main.example.net-JAD0001-1",
      "tok-backup.example.net-JAD0001-1",
    ]);
    expect(backup.callsOf("register")).toHaveLength(1);
  });

  it("retries a request at the backup with the same requestId", async () => {
    const { participant, main, clock, withBackup } = setup();
    const backup = withBackup();
    await participant.start();
    main.mode = "lose-answers";
    participant.setLoad(300);
    await clock.advanceSeconds(5);
    const [atMain] = main.callsOf("request");
    const [atBackup] = backup.callsOf("request");
    expect(atBackup?.input).toEqual(atMain?.input);
  });
});
