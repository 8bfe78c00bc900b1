// Chaos tests: two or three Bedrock doubles as regions / accounts on loopback behind one real
// gateway (BEDROCK_TARGETS with per-target endpoint URLs), clients are the real openai and
// @anthropic-ai/sdk SDKs or plain fetch. Each test breaks one region the way production does.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { TEST_CREDENTIALS } from "./fake-bedrock/fake-bedrock.ts";
import { startFakeSts } from "./fake-bedrock/fake-sts.ts";
import { TEST_API_KEY } from "./helpers/gateway.ts";
import { chat, modelCalls, startMultiRegion, THROTTLED } from "./helpers/multi-region.ts";
import { createKey, usageOf } from "./helpers/store-keys.ts";
import { parsePrometheus, sampleValue } from "./helpers/prometheus-text.ts";

const NOVA = "amazon.nova-lite-v1:0";
const SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0";

describe("multi-region routing and failover", () => {
  it("one region throttling 100%: no client errors, every call served by the other, its breaker opens", async () => {
    const m = await startMultiRegion(
      [
        { name: "east", region: "us-east-1" },
        { name: "west", region: "us-west-2" },
      ],
      { METRICS_PUBLIC: "true" },
    );
    try {
      m.fakes.east!.setDefault(THROTTLED);
      const served: string[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await chat(m.gw, NOVA);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.headers.get("x-bedrock-gateway-region"), "us-west-2");
        served.push(r.headers.get("x-bedrock-gateway-target")!);
      }
      // Streams through the real OpenAI SDK fail over too.
      for (let i = 0; i < 5; i++) {
        const { data: stream, response } = await m.gw.openai.chat.completions
          .create({ model: NOVA, messages: [{ role: "user", content: "hi" }], stream: true })
          .withResponse();
        let text = "";
        for await (const ch of stream) text += ch.choices[0]?.delta.content ?? "";
        assert.match(text, /test double/);
        assert.equal(response.headers.get("x-bedrock-gateway-target"), "west");
      }
      assert.deepEqual(new Set(served), new Set(["west"]));
      // The default breaker (5 failures in 30 s) opened: east saw at most 5 calls of the 25.
      const eastCalls = modelCalls(m.fakes.east!);
      assert.ok(eastCalls >= 1 && eastCalls <= 5, `east got ${eastCalls} calls`);
      assert.equal(modelCalls(m.fakes.west!), 25);
      const health: any = await (await m.gw.request("/health", { noAuth: true })).json();
      assert.equal(health.status, "degraded");
      const east = health.targets.find((t: any) => t.name === "east");
      assert.equal(east.region, "us-east-1");
      assert.deepEqual(
        east.breakers.map((b: any) => [b.model, b.state]),
        [[NOVA, "open"]],
      );
      assert.equal(health.targets.find((t: any) => t.name === "west").breakers[0].state, "closed");
      assert.ok(!JSON.stringify(health).includes(m.fakes.east!.url), "/health does not reveal endpoints");
      const metrics = parsePrometheus(await (await m.gw.request("/metrics", { noAuth: true })).text());
      assert.equal(sampleValue(metrics, "bedrock_gateway_circuit_breaker_state", { target: "east", model: NOVA }), 2);
      assert.equal(sampleValue(metrics, "bedrock_gateway_circuit_breaker_state", { target: "west", model: NOVA }), 0);
      assert.equal(
        sampleValue(metrics, "bedrock_gateway_upstream_failovers_total", { target: "east", reason: "ThrottlingException" }),
        eastCalls,
      );
      assert.equal(
        sampleValue(metrics, "bedrock_gateway_upstream_served_total", { target: "west", region: "us-west-2", fallback: "false" }),
        25,
      );
      assert.ok(m.gw.logs.some((l) => l.msg === "circuit breaker open" && l.target === "east" && l.model === NOVA));
    } finally {
      await m.close();
    }
  });

  it("one region hanging: its breaker opens within the window and later requests skip it without waiting", async () => {
    const m = await startMultiRegion(
      [
        { name: "east", region: "us-east-1" },
        { name: "west", region: "us-west-2" },
      ],
      {
        UPSTREAM_FIRST_BYTE_TIMEOUT: "300ms",
        CIRCUIT_BREAKER_FAILURES: "2",
        CIRCUIT_BREAKER_WINDOW: "10s",
        CIRCUIT_BREAKER_COOLDOWN: "60s",
      },
    );
    try {
      m.fakes.east!.setDefault({ delayMs: 30_000, content: [{ text: "too late" }] });
      const t0 = Date.now();
      let opened = -1;
      for (let i = 0; i < 6 && opened < 0; i++) {
        const r = await chat(m.gw, NOVA);
        assert.equal(r.status, 200);
        assert.equal(r.headers.get("x-bedrock-gateway-target"), "west");
        const east = m.gw.runtime.deps.upstreams!.status().find((t) => t.name === "east")!;
        if (east.breakers[0]?.state === "open") opened = Date.now() - t0;
      }
      assert.ok(opened >= 0 && opened < 10_000, `breaker opened after ${opened} ms`);
      const hangingCalls = modelCalls(m.fakes.east!);
      assert.equal(hangingCalls, 2);
      const times: number[] = [];
      for (let i = 0; i < 10; i++) {
        const r = await chat(m.gw, NOVA);
        assert.equal(r.status, 200);
        times.push(r.ms);
      }
      assert.equal(modelCalls(m.fakes.east!), hangingCalls, "the open breaker keeps calls away from the hanging region");
      assert.ok(Math.max(...times) < 250, `no request waited for the hanging region (max ${Math.max(...times).toFixed(0)} ms)`);
    } finally {
      await m.close();
    }
  });

  it("both regions down: 429 / 503 in the front door's error shape with retry-after, fast once the breakers are open", async () => {
    const m = await startMultiRegion(
      [
        { name: "east", region: "us-east-1" },
        { name: "west", region: "us-west-2" },
      ],
      {
        UPSTREAM_RETRY_MAX_TIME: "400ms",
        // High enough that the first two calls (both checked for the throttle's 429) cannot open a
        // breaker whatever their retry timing; the loop below then opens them.
        CIRCUIT_BREAKER_FAILURES: "10",
        CIRCUIT_BREAKER_COOLDOWN: "45s",
      },
    );
    try {
      m.fakes.east!.setDefault(THROTTLED);
      m.fakes.west!.setDefault(THROTTLED);
      const r = await chat(m.gw, NOVA);
      assert.equal(r.status, 429);
      assert.equal(r.body.error.type, "rate_limit_error");
      assert.equal(r.body.error.code, "rate_limit_exceeded");
      assert.ok(Number(r.headers.get("retry-after")) >= 1);
      // Anthropic's shape on /v1/messages, through the real SDK.
      const anthropic = new Anthropic({ baseURL: m.gw.url, apiKey: TEST_API_KEY, maxRetries: 0 });
      await assert.rejects(
        anthropic.messages.create({ model: NOVA, max_tokens: 50, messages: [{ role: "user", content: "hi" }] }),
        (e: any) => {
          assert.equal(e.status, 429);
          assert.equal(e.error.type, "error");
          assert.equal(e.error.error.type, "rate_limit_error");
          assert.ok(Number(e.headers.get("retry-after")) >= 1);
          return true;
        },
      );
      // Keep going until every breaker is open: then the gateway answers at once, touching no region.
      for (let i = 0; i < 30 && (await chat(m.gw, NOVA)).status !== 503; i++);
      const before = modelCalls(m.fakes.east!) + modelCalls(m.fakes.west!);
      const fast = await chat(m.gw, NOVA);
      assert.equal(fast.status, 503);
      assert.equal(fast.body.error.type, "service_unavailable_error");
      assert.equal(fast.body.error.code, "upstream_unavailable");
      const retryAfter = Number(fast.headers.get("retry-after"));
      assert.ok(retryAfter > 30 && retryAfter <= 45, `retry-after ${retryAfter} follows the cool-down`);
      assert.ok(fast.ms < 200, `${fast.ms} ms`);
      assert.equal(modelCalls(m.fakes.east!) + modelCalls(m.fakes.west!), before);
    } finally {
      await m.close();
    }
  });

  it("assumed-role credentials sign that target's calls (the double accepts only them), assumed once", async () => {
    const roleArn = "arn:aws:iam::210987654321:role/bedrock-gateway";
    const assumed = {
      accessKeyId: "ASIAASSUMEDROLE00001",
      secretAccessKey: "assumed/secret/for/the/other/account",
      sessionToken: "FwoGZXIvYXdzEAssumedSessionToken",
    };
    const sts = await startFakeSts(TEST_CREDENTIALS, { [roleArn]: { credentials: assumed, externalId: "ext-7f3a" } });
    const m = await startMultiRegion([
      { name: "home", region: "us-east-1", weight: 0 },
      {
        name: "partner",
        region: "us-west-2",
        fake: { credentials: assumed },
        extra: { roleArn, externalId: "ext-7f3a", endpoints: { sts: sts.url } },
      },
    ]);
    try {
      for (let i = 0; i < 4; i++) {
        const r = await chat(m.gw, NOVA);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.headers.get("x-bedrock-gateway-target"), "partner");
      }
      assert.equal(sts.calls.length, 1, "credentials are cached until shortly before they expire");
      assert.deepEqual(
        { ...sts.calls[0], at: 0 },
        {
          roleArn,
          roleSessionName: "bedrock-gateway-partner",
          externalId: "ext-7f3a",
          accessKeyId: TEST_CREDENTIALS.accessKeyId,
          region: "us-west-2",
          at: 0,
        },
      );
      const signed = m.fakes.partner!.requests.filter((r) => r.operation === "Converse");
      assert.equal(signed.length, 4);
      for (const r of signed) {
        assert.match(String(r.headers.authorization), /Credential=ASIAASSUMEDROLE00001\/\d{8}\/us-west-2\/bedrock\/aws4_request/);
        assert.equal(r.headers["x-amz-security-token"], assumed.sessionToken);
      }
      // The catalog of that account was listed with the same credentials.
      assert.ok(m.fakes.partner!.calls("ListFoundationModels").length >= 1);
      assert.equal(modelCalls(m.fakes.home!), 0, "a standby target (weight 0) serves only when needed");
      // The standby serves when the partner account is throttled.
      m.fakes.partner!.setDefault(THROTTLED);
      const r = await chat(m.gw, NOVA);
      assert.equal(r.headers.get("x-bedrock-gateway-target"), "home");
    } finally {
      await m.close();
      await sts.close();
    }
  });

  it("a role the target account refuses (wrong external id) fails that target only; no secret is logged", async () => {
    const roleArn = "arn:aws:iam::210987654321:role/bedrock-gateway";
    const assumed = {
      accessKeyId: "ASIAASSUMEDROLE00002",
      secretAccessKey: "assumed/secret/never/issued",
      sessionToken: "token-never-issued",
    };
    const sts = await startFakeSts(TEST_CREDENTIALS, { [roleArn]: { credentials: assumed, externalId: "the-right-one" } });
    const m = await startMultiRegion([
      { name: "home", region: "us-east-1", weight: 0 },
      {
        name: "partner",
        region: "us-west-2",
        fake: { credentials: assumed },
        extra: { roleArn, externalId: "a-wrong-one", endpoints: { sts: sts.url } },
      },
    ]);
    try {
      const r = await chat(m.gw, NOVA);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.headers.get("x-bedrock-gateway-target"), "home");
      assert.ok(sts.calls.length >= 1 && sts.calls.every((c) => c.externalId === "a-wrong-one"));
      assert.equal(modelCalls(m.fakes.partner!), 0, "nothing reached the partner account unsigned or mis-signed");
      assert.ok(!m.gw.logText().includes(TEST_CREDENTIALS.secretAccessKey));
    } finally {
      await m.close();
      await sts.close();
    }
  });

  it("a stream fails over only before its first byte", async () => {
    const m = await startMultiRegion([
      { name: "east", region: "us-east-1" },
      { name: "west", region: "us-west-2", weight: 0 },
    ]);
    try {
      // Bedrock may answer 200 and then throttle in the first frame: nothing reached the client yet.
      m.fakes.east!.enqueue({
        content: [{ text: "unused" }],
        stream: { failAfter: { events: 0, exception: "throttlingException", message: "Rate exceeded" } },
      });
      const { data: s1, response } = await m.gw.openai.chat.completions
        .create({ model: NOVA, messages: [{ role: "user", content: "hi" }], stream: true })
        .withResponse();
      let text = "";
      for await (const ch of s1) text += ch.choices[0]?.delta.content ?? "";
      assert.equal(text, "Hello from the Bedrock test double.");
      assert.equal(response.headers.get("x-bedrock-gateway-target"), "west");
      assert.equal(m.fakes.west!.calls("ConverseStream").length, 1);

      // After the first event the stream belongs to east: a failure is reported in the stream.
      m.fakes.east!.enqueue({
        content: [{ text: "one two three four five six" }],
        stream: { failAfter: { events: 3, exception: "throttlingException", message: "Rate exceeded" } },
      });
      const s2 = await m.gw.openai.chat.completions.create({ model: NOVA, messages: [{ role: "user", content: "hi" }], stream: true });
      let partial = "";
      await assert.rejects(async () => {
        for await (const ch of s2) partial += ch.choices[0]?.delta.content ?? "";
      });
      assert.ok(partial.length > 0, "content had been relayed before the failure");
      assert.equal(m.fakes.west!.calls("ConverseStream").length, 1, "no second upstream call after the first byte");
    } finally {
      await m.close();
    }
  });

  it("weights hold within ±10% over 1,000 requests", async () => {
    const m = await startMultiRegion([
      { name: "east", region: "us-east-1", weight: 3 },
      { name: "west", region: "us-west-2", weight: 1 },
    ]);
    try {
      const counts: Record<string, number> = { east: 0, west: 0 };
      let next = 0;
      const worker = async () => {
        while (next < 1000) {
          next++;
          const r = await chat(m.gw, NOVA);
          assert.equal(r.status, 200);
          counts[r.headers.get("x-bedrock-gateway-target")!]!++;
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      assert.equal(counts.east! + counts.west!, 1000);
      assert.ok(Math.abs(counts.east! - 750) <= 75, `east served ${counts.east}`);
      assert.ok(Math.abs(counts.west! - 250) <= 25, `west served ${counts.west}`);
      assert.equal(modelCalls(m.fakes.east!), counts.east);
    } finally {
      await m.close();
    }
  });

  it("an affinity key keeps calls on one healthy target, and moves only when it fails", async () => {
    const m = await startMultiRegion([
      { name: "a", region: "us-east-1" },
      { name: "b", region: "us-west-2" },
      { name: "c", region: "us-east-2" },
    ]);
    try {
      const runtime = m.gw.runtime.deps.runtime;
      const request = { messages: [{ role: "user" as const, content: [{ text: "hi" }] }] };
      const servedBy = async (key: string) => {
        let target = "";
        await runtime.converse(NOVA, request, { affinityKey: key, onServed: (s) => (target = s.target) });
        return target;
      };
      const first = await servedBy("conversation-1");
      for (let i = 0; i < 5; i++) assert.equal(await servedBy("conversation-1"), first);
      const spread = new Set<string>();
      for (let i = 0; i < 30; i++) spread.add(await servedBy(`conversation-${i}`));
      assert.equal(spread.size, 3, "different keys spread over the targets");
      m.fakes[first]!.setDefault(THROTTLED);
      const moved = await servedBy("conversation-1");
      assert.notEqual(moved, first);
      assert.equal(await servedBy("conversation-1"), moved, "and stays on its new target");
    } finally {
      await m.close();
    }
  });

  it("maps a model to each region's own profile, lists the union, and honours per-target model patterns", async () => {
    const m = await startMultiRegion([
      { name: "us", region: "us-east-1" },
      { name: "eu", region: "eu-west-1", extra: { models: ["anthropic.*"] } },
    ]);
    try {
      m.fakes.us!.setDefault(THROTTLED);
      const r = await chat(m.gw, SONNET);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get("x-bedrock-gateway-region"), "eu-west-1");
      // The doubles' EU region offers the model through its global profile.
      assert.equal(m.fakes.eu!.lastCall("Converse")!.modelId, `global.${SONNET}`);
      // Nova is not among the EU target's models: no failover there, the throttle stands.
      const nova = await chat(m.gw, NOVA);
      assert.equal(nova.status, 429);
      assert.equal(m.fakes.eu!.calls("Converse").length, 1);
      const models: any = await (await m.gw.request("/v1/models")).json();
      const ids = new Set(models.data.map((d: { id: string }) => d.id));
      assert.ok(ids.has(`us.${SONNET}`) && ids.has(`global.${SONNET}`) && ids.has(NOVA));
    } finally {
      await m.close();
    }
  });

  it("model fallbacks respect the key's allow-list; the response and the usage record say what served", async () => {
    const m = await startMultiRegion(
      [
        { name: "east", region: "us-east-1" },
        { name: "west", region: "us-west-2" },
      ],
      {
        MODEL_FALLBACKS: JSON.stringify({ "amazon.nova-pro-v1:0": ["amazon.nova-micro-v1:0", NOVA] }),
        UPSTREAM_RETRY_MAX_TIME: "300ms",
        CIRCUIT_BREAKER_FAILURES: "1000",
      },
    );
    try {
      const proThrottled = (req: { modelId?: string }) =>
        req.modelId?.includes("nova-pro") ? THROTTLED : { content: [{ text: `served by ${req.modelId}` }] };
      m.fakes.east!.setDefault(proThrottled);
      m.fakes.west!.setDefault(proThrottled);
      const liteOnly = await createKey(m.gw, { name: "lite-fallback", models: ["amazon.nova-pro-v1:0", NOVA] });
      const noFallback = await createKey(m.gw, { name: "pro-only", models: ["amazon.nova-pro-v1:0"] });

      const a = await chat(m.gw, "amazon.nova-pro-v1:0", {}, { authorization: `Bearer ${liteOnly.secret}` });
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.equal(a.body.model, NOVA);
      assert.equal(a.headers.get("x-bedrock-gateway-fallback"), NOVA);
      assert.equal(a.body.choices[0].message.content, `served by ${NOVA}`);
      const microCalls = [m.fakes.east!, m.fakes.west!]
        .flatMap((f) => f.calls("Converse"))
        .filter((c) => c.modelId?.includes("nova-micro"));
      assert.equal(microCalls.length, 0, "the key may not use nova-micro, so it is never called");

      const b = await chat(m.gw, "amazon.nova-pro-v1:0", {}, { authorization: `Bearer ${noFallback.secret}` });
      assert.equal(b.status, 429);
      assert.equal(b.headers.get("x-bedrock-gateway-fallback"), null);

      // The static key has no allow-list: the first fallback serves.
      const c = await chat(m.gw, "amazon.nova-pro-v1:0");
      assert.equal(c.body.model, "amazon.nova-micro-v1:0");

      const rec = await usageOf(m.gw, a.headers.get("x-request-id")!);
      assert.equal(rec.model, "amazon.nova-pro-v1:0");
      assert.equal(rec.bedrockModel, NOVA);
      assert.equal(rec.baseModel, NOVA);
      assert.equal(rec.region, a.headers.get("x-bedrock-gateway-region"));
      assert.equal(rec.target, a.headers.get("x-bedrock-gateway-target"));
      const line = m.gw.logs.find((l) => l.requestId === a.headers.get("x-request-id") && l.fallbackFrom);
      assert.equal(line?.fallbackFrom, "amazon.nova-pro-v1:0");
    } finally {
      await m.close();
    }
  });
});
