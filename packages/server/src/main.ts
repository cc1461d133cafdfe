// The API alone, without the UI: used by the integration tests and the benchmark
// to run several server processes over one database.
import { runServer } from "./run.ts";

await runServer();
