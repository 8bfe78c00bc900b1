// The one place a finished request turns into usage: a priced usage record, handed to the
// metrics, the batched writer and the limiter's reconciliation. Built per runtime in
// dependencies.ts and registered as a request observer, so every endpoint gets usage, cost and
// metrics from the LogFields it fills, without code of its own.
import type { CompletedRequest, RequestObserver } from "../logging/request-record.ts";
import type { KeyAdmission } from "../limits/admission.ts";
import type { GatewayMetrics } from "../metrics/gateway-metrics.ts";
import type { Pricing } from "./pricing.ts";
import { toUsageRecord } from "./to-usage-record.ts";
import type { UsageRecorder } from "./usage-recorder.ts";

export interface RequestEndParts {
  pricing: Pricing;
  region: string;
  recorder?: UsageRecorder;
  metrics?: GatewayMetrics;
  admission?: KeyAdmission;
}

export function requestEndObserver(p: RequestEndParts): RequestObserver {
  return {
    streamStarted: () => p.metrics?.streamStarted(),
    requestEnded(r: CompletedRequest) {
      const usage = toUsageRecord(r, p.pricing, p.region);
      p.metrics?.requestEnded(r, usage);
      if (usage) p.recorder?.add(usage);
      if (r.admission) p.admission?.reconcile(r.admission, usage);
    },
  };
}
