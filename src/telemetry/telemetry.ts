// Starts OpenTelemetry. The OTel SDK lives in ./otel-telemetry.ts and is loaded with import() here,
// which only runs when an OTLP endpoint is configured; without one, nothing of the OTel SDK is
// ever loaded and requests take exactly the code path they took before telemetry existed.
import type { TelemetryConfig } from "../config/config.ts";
import type { Telemetry, TelemetryInfo } from "./telemetry-types.ts";

export type { RequestTracing, Telemetry, TelemetryInfo } from "./telemetry-types.ts";

export async function startTelemetry(config: TelemetryConfig, info: TelemetryInfo): Promise<Telemetry> {
  const { createOtelTelemetry } = await import("./otel-telemetry.ts");
  return createOtelTelemetry(config, info);
}
