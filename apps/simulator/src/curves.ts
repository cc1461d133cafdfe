export const CURVES = ["steady", "daily", "spike"] as const;
export type Curve = (typeof CURVES)[number];

/** Where an appliance sits on the curve: `phase` (0–1) shifts its cycle against the others. */
export interface CurvePosition {
  periodSec: number;
  phase: number;
}

const NIGHT = 0.15;
const STEADY = 0.8;
const SPIKE_BASE = 0.3;
/** The spike lasts this share of each period, for the whole fleet at once. */
const SPIKE_SHARE = 1 / 12;

/** The load at time `tSec`, as a share (0–1) of the appliance's peak load. */
export function loadShare(curve: Curve, tSec: number, { periodSec, phase }: CurvePosition): number {
  switch (curve) {
    case "steady":
      return STEADY;
    case "daily": {
      // Low at night, highest at midday: a raised cosine over one period.
      const angle = 2 * Math.PI * (tSec / periodSec + phase);
      return NIGHT + ((1 - NIGHT) * (1 - Math.cos(angle))) / 2;
    }
    case "spike": {
      const intoPeriod = ((tSec % periodSec) + periodSec) % periodSec;
      return intoPeriod < periodSec * SPIKE_SHARE ? 1 : SPIKE_BASE;
    }
  }
}
