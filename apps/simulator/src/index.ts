export { parseSimulatorArgs, USAGE, UsageError, type SimulatorConfig } from "./args.ts";
export { loadShare, CURVES, type Curve } from "./curves.ts";
export { buildFleet, MODELS, type ApplianceSpec } from "./fleet.ts";
export { FleetSimulator, type FleetSnapshot } from "./simulator.ts";
export { statusLine, summary } from "./report.ts";
