// `npm run demo` only: three keys and a little real traffic through the running gateway (chat,
// a refused model, a rate-limited burst), plus 30 days of generated usage history written to the
// store as demo data (request ids "demo-history-…"), so the console's charts have something to show
// within a minute. Skipped when the store already has keys (a demo started before).
import type { CatalogView } from "../http/app-env.ts";
import type { KeyService } from "../keys/key-service.ts";
import type { Store, UsageRecord } from "../store/store.ts";
import type { Pricing } from "../usage/pricing.ts";

export interface DemoParts {
  url: string;
  keys: KeyService;
  store: Store;
  catalog: CatalogView;
  pricing: Pricing;
  region: string;
}

const DAY = 86_400_000;

async function chat(url: string, secret: string, model: string, text: string): Promise<number> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: text }], max_tokens: 200 }),
  });
  await res.arrayBuffer();
  return res.status;
}

export async function seedConsoleDemo(p: DemoParts): Promise<{ seeded: boolean; requests: number }> {
  if ((await p.keys.list()).length > 0) return { seeded: false, requests: 0 };
  const snapshot = await p.catalog.ready(10_000);
  const chatModels = (snapshot?.models ?? [])
    .filter((m) => m.kind === "chat" && m.listed && m.source === "foundation-model")
    .map((m) => m.id);
  const pick = (re: RegExp) => chatModels.find((id) => re.test(id)) ?? chatModels[0]!;
  const nova = pick(/nova-lite/);
  const micro = pick(/nova-micro/);
  const llama = pick(/llama/);

  const ml = await p.keys.create({ name: "team-ml", budget: { usd: 50, period: "month" }, rpm: 120 });
  const web = await p.keys.create({
    name: "team-web",
    models: ["amazon.nova-*"],
    rpm: 60,
    tpm: 100_000,
    budget: { usd: 2, period: "day" },
  });
  const batch = await p.keys.create({ name: "batch-jobs", rpm: 3 });

  let requests = 0;
  const send = async (secret: string, model: string, text: string) => {
    requests += 1;
    return chat(p.url, secret, model, text);
  };
  for (let i = 0; i < 6; i++) await send(ml.secret, [nova, micro, llama][i % 3]!, `Summarise report ${i}`);
  for (let i = 0; i < 4; i++) await send(web.secret, nova, `Product description ${i}`);
  await send(web.secret, llama, "Not on this key's allow-list: 403");
  for (let i = 0; i < 5; i++) await send(batch.secret, micro, `Batch item ${i}`); // RPM 3: the last ones are 429

  // Generated history for the charts (the hour in progress has the real requests above).
  const now = Date.now();
  const keys = [ml.key.id, web.key.id, batch.key.id];
  const models = [nova, micro, llama];
  const history: UsageRecord[] = [];
  let seed = 7;
  const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  for (let t = now - 30 * DAY; t < now - 3_600_000; t += 20 * 60_000) {
    const daytime = Math.sin(((t % DAY) / DAY) * 2 * Math.PI - Math.PI / 2) + 1.2;
    const n = Math.round(rand() * 3 * daytime);
    for (let j = 0; j < n; j++) {
      const k = Math.floor(rand() * 3);
      const model = models[(k + j) % 3]!;
      const status = rand() < 0.04 ? 429 : 200;
      const tokens = {
        inputTokens: status === 200 ? 200 + Math.floor(rand() * 1500) : 0,
        outputTokens: status === 200 ? 50 + Math.floor(rand() * 600) : 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
      };
      const cost = status === 200 ? p.pricing.cost(model, model, p.region, tokens) : 0;
      history.push({
        ts: t + Math.floor(rand() * 20 * 60_000),
        requestId: `demo-history-${history.length}`,
        keyId: keys[k]!,
        endpoint: "chat.completions",
        model,
        bedrockModel: model,
        baseModel: model,
        ...tokens,
        latencyMs: 300 + rand() * 1500,
        ttftMs: 150 + rand() * 300,
        status,
        stream: rand() < 0.5,
        aborted: false,
        errorType: status === 200 ? null : "rate_limit_exceeded",
        costUsd: cost,
      });
    }
  }
  await p.store.insertUsage(history);
  return { seeded: true, requests };
}
