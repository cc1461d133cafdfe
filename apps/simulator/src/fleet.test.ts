import { describe, expect, it } from "vitest";
import { buildFleet, MODELS } from "./fleet.ts";

describe("buildFleet", () => {
  it("gives the same fleet for the same seed", () => {
    expect(buildFleet(10, "SIM", 3)).toEqual(buildFleet(10, "SIM", 3));
    expect(buildFleet(10, "SIM", 3)).not.toEqual(buildFleet(10, "SIM", 4));
  });

  it("numbers serials and keeps each appliance within its model's limits", () => {
    const fleet = buildFleet(12, "DEMO-", 1);
    expect(fleet.map((a) => a.serial).slice(0, 2)).toEqual(["DEMO-0001", "DEMO-0002"]);
    for (const appliance of fleet) {
      const model = MODELS.find((m) => m.model === appliance.model)!;
      expect(appliance.platformLimit).toBe(model.platformLimit);
      expect(appliance.localLimit).toBeLessThanOrEqual(appliance.platformLimit);
      expect(appliance.serial).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
    }
  });
});
