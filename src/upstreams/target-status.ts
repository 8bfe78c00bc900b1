// What /health (and the operator) sees of one upstream target.
export interface TargetStatus {
  name: string;
  region: string;
  weight: number;
  outstanding: number;
  catalog: { loaded: boolean; count: number; error?: string };
  /** Breakers of models this target has been called for; all closed is the healthy state. */
  breakers: { model: string; state: string; recentFailures: number; retryAt?: string; opened: number }[];
}
