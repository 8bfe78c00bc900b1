// Prometheus series for the upstream targets, on the gateway's registry: calls served and failed
// over per target, breaker state per (target, model) and calls outstanding per target. Labels are
// bounded by configuration (target names) and the catalog (model ids actually called).
import { Counter, Gauge } from "prom-client";
import type { Registry } from "prom-client";
import type { RouterEvents } from "./upstream-router.ts";
import type { UpstreamTarget } from "./upstream-target.ts";

const PREFIX = "bedrock_gateway_";
const STATE_VALUE: Record<string, number> = { closed: 0, "half-open": 1, open: 2 };

/** Events for the router, plus gauges read from the targets at scrape time. */
export function upstreamMetrics(registry: Registry, targets: () => readonly UpstreamTarget[]): RouterEvents {
  const registers = [registry];
  const served = new Counter({
    name: `${PREFIX}upstream_served_total`,
    help: "Bedrock calls accepted, by target and whether a fallback model served them.",
    labelNames: ["target", "region", "fallback"] as const,
    registers,
  });
  const failovers = new Counter({
    name: `${PREFIX}upstream_failovers_total`,
    help: "Calls that left a target for the next one, by target and the upstream error.",
    labelNames: ["target", "reason"] as const,
    registers,
  });
  const transitions = new Counter({
    name: `${PREFIX}circuit_breaker_transitions_total`,
    help: "Circuit breaker state changes, by target and the state entered.",
    labelNames: ["target", "state"] as const,
    registers,
  });
  new Gauge({
    name: `${PREFIX}circuit_breaker_state`,
    help: "Circuit breaker per target and model: 0 closed, 1 half-open, 2 open.",
    labelNames: ["target", "model"] as const,
    registers,
    collect() {
      this.reset();
      const now = Date.now();
      for (const t of targets())
        for (const b of t.breakerStates(now)) this.set({ target: t.name, model: b.model }, STATE_VALUE[b.state] ?? 0);
    },
  });
  new Gauge({
    name: `${PREFIX}upstream_outstanding`,
    help: "Calls (and open streams) in flight per target.",
    labelNames: ["target", "region"] as const,
    registers,
    collect() {
      for (const t of targets()) this.set({ target: t.name, region: t.region }, t.outstanding);
    },
  });
  return {
    served: (t, _model, fallback) => served.inc({ target: t.name, region: t.region, fallback: String(fallback) }),
    failover: (t, _model, reason) => failovers.inc({ target: t.name, reason }),
    breakerChanged: (t, _model, state) => transitions.inc({ target: t.name, state }),
  };
}
