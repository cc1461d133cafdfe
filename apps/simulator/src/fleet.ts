import { seededRandom } from "@sls/participant";

/** Appliance models of the ASA family with their session limits (platform; local licence choices). */
export const MODELS = [
  { model: "ASA5508-X", platformLimit: 300, localLimits: [25, 50, 100] },
  { model: "ASA5516-X", platformLimit: 300, localLimits: [50, 100] },
  { model: "ASA5525-X", platformLimit: 750, localLimits: [100, 250] },
  { model: "ASA5545-X", platformLimit: 2500, localLimits: [250, 500] },
  { model: "ASA5555-X", platformLimit: 5000, localLimits: [250, 500, 1000] },
] as const;

export interface ApplianceSpec {
  serial: string;
  hostname: string;
  model: string;
  platformLimit: number;
  localLimit: number;
  /** Where its load curve starts (0–1 of a period), so that the fleet does not move in lockstep. */
  phase: number;
}

/** `count` appliances with models, local licences and phases drawn from `seed`: the same fleet every time. */
export function buildFleet(count: number, serialPrefix: string, seed: number, phaseSpread = 0.25): ApplianceSpec[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const width = String(count).length;
  return Array.from({ length: count }, (_, i) => {
    const { model, platformLimit, localLimits } = pick(MODELS);
    const serial = `${serialPrefix}${String(i + 1).padStart(Math.max(4, width), "0")}`;
    return {
      serial,
      hostname: `${serial.toLowerCase()}.sim.example.net`,
      model,
      platformLimit,
      localLimit: pick(localLimits),
      phase: random() * phaseSpread,
    };
  });
}
