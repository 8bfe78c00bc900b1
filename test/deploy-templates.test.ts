// The committed CloudFormation templates (deploy/lambda.yaml, deploy/fargate.yaml), parsed and
// checked: references resolve, the resources and parameters the deployment guide promises exist,
// IAM grants only what the gateway calls (no wildcard actions; "*" resources only where AWS
// offers nothing narrower), and every environment variable a template sets is one the gateway
// reads and accepts, with the values the template allows. cfn-lint, where installed, validates
// them against CloudFormation's resource schemas.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { LAMBDA_HANDLER, LAMBDA_NODE_TARGET } from "../scripts/build-lambda.ts";
import { CONFIG_VARIABLES, loadConfig } from "../src/config/config.ts";
import { branches, isObject, loadTemplate, policyStatements, walk } from "./helpers/cloudformation.ts";
import type { Json, JsonObject, Template } from "./helpers/cloudformation.ts";

const TEMPLATES = { lambda: "deploy/lambda.yaml", fargate: "deploy/fargate.yaml" } as const;
const lambda = loadTemplate(TEMPLATES.lambda);
const fargate = loadTemplate(TEMPLATES.fargate);
const SECRET = "arn:aws:secretsmanager:us-east-1:111122223333:secret:gateway-key-AbCdEf";

/** Actions AWS authorises only on "*" (no resource-level permissions). */
const STAR_ONLY_ACTIONS = new Set([
  "bedrock:ListFoundationModels",
  "bedrock:ListInferenceProfiles",
  "aws-marketplace:ViewSubscriptions",
  "aws-marketplace:Subscribe",
  "ecr:GetAuthorizationToken",
]);

/** What the gateway process itself may do (Lambda function role, ECS task role). */
const GATEWAY_ACTIONS = [
  "bedrock:InvokeModel",
  "bedrock:InvokeModelWithResponseStream",
  "bedrock:CountTokens",
  "bedrock:GetInferenceProfile",
  "bedrock:ListFoundationModels",
  "bedrock:ListInferenceProfiles",
  "aws-marketplace:ViewSubscriptions",
  "aws-marketplace:Subscribe",
  "secretsmanager:GetSecretValue",
  "ssm:GetParameter",
  "kms:Decrypt",
  // Batch inference (EnableBatch): the bucket's objects under the gateway's prefix, the jobs, and
  // handing the batch service role to Bedrock.
  "s3:PutObject",
  "s3:GetObject",
  "s3:DeleteObject",
  "s3:ListBucket",
  "bedrock:CreateModelInvocationJob",
  "bedrock:GetModelInvocationJob",
  "bedrock:StopModelInvocationJob",
  "iam:PassRole",
];

/** A template value as text (strings as they are, anything else as JSON). */
const str = (v: Json | undefined): string => (typeof v === "string" ? v : typeof v === "number" ? `${v}` : JSON.stringify(v));

const resource = (t: Template, name: string) => {
  const r = t.Resources[name];
  assert.ok(r, `resource ${name} exists`);
  return r;
};
const props = (t: Template, name: string) => resource(t, name).Properties!;

/** Environment variables a template gives the gateway, as [name, template value]. */
function environment(t: Template): [string, Json][] {
  if (t === lambda) return Object.entries((props(t, "Function").Environment as JsonObject).Variables as JsonObject);
  const container = (props(t, "TaskDefinition").ContainerDefinitions as JsonObject[])[0]!;
  return (container.Environment as JsonObject[]).map((e) => [e.Name as string, e.Value!]);
}

/** A template value with parameters replaced by their defaults (or by `overrides`); resources by stand-ins. */
function resolve(t: Template, value: Json, overrides: Record<string, string>): string {
  if (typeof value === "string" || typeof value === "number") return str(value);
  if (isObject(value) && typeof value.Ref === "string") {
    if (value.Ref === "AWS::Region") return "us-east-1";
    if (t.Resources[value.Ref]) return `${value.Ref.toLowerCase()}-stand-in`;
    const p = t.Parameters[value.Ref];
    assert.ok(p, `parameter ${value.Ref}`);
    return overrides[value.Ref] ?? str(p.Default ?? "");
  }
  if (isObject(value) && Array.isArray(value["Fn::GetAtt"])) {
    const [name, attr] = value["Fn::GetAtt"] as [string, string];
    assert.ok(t.Resources[name], `resource ${name}`);
    return attr === "Arn" ? `arn:aws:iam::111122223333:role/${name}` : `${name}.${attr}`;
  }
  if (isObject(value) && Array.isArray(value["Fn::If"])) {
    const [cond, a, b] = value["Fn::If"] as [string, Json, Json];
    return resolve(t, condition(t, t.Conditions[cond]!, overrides) ? a : b, overrides);
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

/** Evaluates a condition with the parameters' defaults (or `overrides`). */
function condition(t: Template, c: Json, overrides: Record<string, string>): boolean {
  assert.ok(isObject(c), `condition ${JSON.stringify(c)}`);
  if (typeof c.Condition === "string") return condition(t, t.Conditions[c.Condition]!, overrides);
  const [fn, args] = Object.entries(c)[0] as [string, Json[]];
  switch (fn) {
    case "Fn::Equals":
      return resolve(t, args[0]!, overrides) === resolve(t, args[1]!, overrides);
    case "Fn::Not":
      return !condition(t, args[0]!, overrides);
    case "Fn::And":
      return args.every((a) => condition(t, a, overrides));
    case "Fn::Or":
      return args.some((a) => condition(t, a, overrides));
  }
  throw new Error(`cannot evaluate ${fn}`);
}

function gatewayEnv(t: Template, overrides: Record<string, string>): Record<string, string> {
  return Object.fromEntries(environment(t).map(([k, v]) => [k, resolve(t, v, overrides)]));
}

for (const [name, t] of Object.entries({ lambda, fargate })) {
  describe(`${name} template: structure`, () => {
    it("parses, and every Ref, GetAtt, Sub variable and condition resolves", () => {
      assert.equal(t.AWSTemplateFormatVersion, "2010-09-09");
      const known = new Set([...Object.keys(t.Parameters), ...Object.keys(t.Resources)]);
      const conditions = new Set(Object.keys(t.Conditions));
      const used = new Set<string>();
      for (const { node, path } of walk(t as unknown as Json)) {
        if (!isObject(node)) continue;
        if (typeof node.Ref === "string") {
          used.add(node.Ref);
          assert.ok(known.has(node.Ref) || node.Ref.startsWith("AWS::"), `Ref ${node.Ref} at ${path.join(".")}`);
        }
        if (Array.isArray(node["Fn::GetAtt"]))
          assert.ok(t.Resources[node["Fn::GetAtt"][0] as string], `GetAtt ${str(node["Fn::GetAtt"][0])}`);
        if (node["Fn::Sub"] !== undefined) {
          const text = typeof node["Fn::Sub"] === "string" ? node["Fn::Sub"] : ((node["Fn::Sub"] as Json[])[0] as string);
          for (const m of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
            const ref = m[1]!.split(".")[0]!;
            used.add(ref);
            assert.ok(known.has(ref) || ref.startsWith("AWS::"), `\${${m[1]}} at ${path.join(".")}`);
          }
        }
        if (Array.isArray(node["Fn::If"])) assert.ok(conditions.has(node["Fn::If"][0] as string), `Fn::If ${str(node["Fn::If"][0])}`);
        if (typeof node.Condition === "string" && path.at(-1) !== "PolicyDocument")
          assert.ok(conditions.has(node.Condition), `Condition ${node.Condition} at ${path.join(".")}`);
      }
      for (const p of Object.keys(t.Parameters)) assert.ok(used.has(p), `parameter ${p} is never used`);
      for (const [rname, r] of Object.entries(t.Resources)) {
        for (const dep of [r.DependsOn ?? []].flat()) assert.ok(t.Resources[dep], `${rname} depends on a missing ${dep}`);
      }
    });

    it("outputs the base URL for OPENAI_BASE_URL, ending in /v1", () => {
      const base = t.Outputs.BaseUrl;
      assert.ok(base);
      const urls = branches(base.Value).map((v) => (isObject(v) ? str(v["Fn::Sub"]) : str(v)));
      assert.ok(urls.length >= 2);
      // A Function URL ends with "/" already, hence "${FunctionUrl.FunctionUrl}v1".
      for (const u of urls) assert.match(u, /^(https?:\/\/.*\/|\$\{FunctionUrl\.FunctionUrl\})v1$/);
    });

    it("takes the client key from a Secrets Manager ARN or an SSM parameter name, exactly one", () => {
      assert.ok(t.Parameters.ApiKeySecretArn && t.Parameters.ApiKeyParameterName);
      const rule = JSON.stringify(t.Rules?.OneApiKeySource);
      assert.match(rule, /ApiKeySecretArn/);
      assert.match(rule, /ApiKeyParameterName/);
      const env = Object.fromEntries(environment(t).map(([k, v]) => [k, JSON.stringify(v)]));
      assert.equal(env.API_KEY_SECRET_ARN, JSON.stringify({ Ref: "ApiKeySecretArn" }));
      assert.equal(env.API_KEY_PARAM_NAME, JSON.stringify({ Ref: "ApiKeyParameterName" }));
      assert.ok(!("API_KEY" in env), "no plain-text key in the template");
    });

    it("keeps logs in its own log group with a retention period", () => {
      const logs = Object.values(t.Resources).filter((r) => r.Type === "AWS::Logs::LogGroup");
      assert.equal(logs.length, 1);
      assert.deepEqual(logs[0]!.Properties!.RetentionInDays, { Ref: "LogRetentionDays" });
      assert.ok(Number(t.Parameters.LogRetentionDays!.Default) > 0);
    });
  });

  describe(`${name} template: least-privilege IAM`, () => {
    const statements = policyStatements(t);

    it("grants no wildcard actions, and '*' resources only to actions that allow nothing narrower", () => {
      assert.ok(statements.length > 0);
      for (const s of statements) {
        assert.equal(s.Effect, "Allow");
        assert.ok(!("NotAction" in s) && !("NotResource" in s));
        for (const a of s.Action) assert.ok(!a.includes("*"), `${s.role}: wildcard action ${a}`);
        if (s.Resource.includes("*")) {
          for (const a of s.Action) assert.ok(STAR_ONLY_ACTIONS.has(a), `${s.role}: ${a} on "*"`);
        }
      }
    });

    it("lets the gateway call Bedrock on models and inference profiles only", () => {
      const role = name === "lambda" ? "FunctionRole" : "TaskRole";
      const mine = statements.filter((s) => s.role === role);
      // A Lambda function delivers its own logs; on ECS the execution role does that.
      const logs = name === "lambda" ? ["logs:CreateLogStream", "logs:PutLogEvents"] : [];
      assert.deepEqual([...new Set(mine.flatMap((s) => s.Action))].sort(), [...GATEWAY_ACTIONS, ...logs].sort());
      for (const s of statements.filter((x) => x.Action.some((a) => a.startsWith("logs:")))) {
        assert.deepEqual(s.Resource, [{ "Fn::GetAtt": ["LogGroup", "Arn"] }], "logs go to the stack's own log group");
      }
      const invoke = mine.find((s) => s.Action.includes("bedrock:InvokeModel"))!;
      assert.ok(invoke.Action.includes("bedrock:InvokeModelWithResponseStream"));
      const arns = invoke.Resource.map((r) => (isObject(r) ? str(r["Fn::Sub"]) : str(r)));
      assert.ok(
        arns.every((a) => /^arn:\$\{AWS::Partition\}:bedrock:\*:(\$\{AWS::AccountId\})?:[a-z-]+\/\*$/.test(a)),
        arns.join("\n"),
      );
      assert.ok(arns.some((a) => a.endsWith(":foundation-model/*")) && arns.some((a) => a.endsWith(":inference-profile/*")));
      assert.ok(arns.some((a) => a.endsWith(":application-inference-profile/*")));
    });

    it("reads the one secret, the one parameter and the one KMS key it is given", () => {
      const secrets = statements.filter((s) => s.Action.includes("secretsmanager:GetSecretValue"));
      const secret = secrets.find((s) => (s.Resource[0] as JsonObject).Ref === "ApiKeySecretArn")!;
      assert.deepEqual(secret.Action, ["secretsmanager:GetSecretValue"]);
      assert.deepEqual(secret.Resource, [{ Ref: "ApiKeySecretArn" }, { "Fn::Sub": "${ApiKeySecretArn}-??????" }]);
      // Fargate may also read the DATABASE_URL, REDIS_URL, ADMIN_API_KEY and METRICS_API_KEY
      // secrets it is given (each by its own ARN parameter), and nothing else.
      const others = secrets.filter((s) => s !== secret);
      if (name === "fargate") assert.equal(others.length, 4);
      for (const other of others) {
        const p = (other.Resource[0] as JsonObject).Ref as string;
        assert.ok(["DatabaseUrlSecretArn", "RedisUrlSecretArn", "AdminApiKeySecretArn", "MetricsApiKeySecretArn"].includes(p), p);
        assert.deepEqual(other.Resource, [{ Ref: p }, { "Fn::Sub": `\${${p}}-??????` }]);
      }
      const param = statements.find((s) => s.Action.includes("ssm:GetParameter"))!;
      assert.deepEqual(param.Action, ["ssm:GetParameter"]);
      assert.equal(param.Resource.length, 2, "a name with or without a leading slash");
      for (const r of param.Resource) assert.match(str((r as JsonObject)["Fn::Sub"]), /:parameter\/?\$\{ApiKeyParameterName\}$/);
      const kms = statements.find((s) => s.Action.includes("kms:Decrypt"))!;
      assert.deepEqual(kms.Resource, [{ Ref: "KeyKmsKeyArn" }]);
      assert.ok(JSON.stringify(kms.Condition).includes("kms:ViaService"));
    });
  });

  describe(`${name} template: in step with the code`, () => {
    it("sets only environment variables the gateway reads", () => {
      const vars = environment(t).map(([k]) => k);
      assert.ok(vars.length >= 5);
      for (const v of vars) assert.ok(CONFIG_VARIABLES.includes(v), `${v} is not read by src/config/config.ts`);
    });

    it("produces a configuration the gateway accepts, for every allowed parameter value", () => {
      const withSecret = loadConfig(gatewayEnv(t, { ApiKeySecretArn: SECRET }));
      assert.deepEqual(withSecret.auth.source, { kind: "secrets-manager", secretId: SECRET });
      const withParam = loadConfig(gatewayEnv(t, { ApiKeyParameterName: "/gateway/api-key" }));
      assert.deepEqual(withParam.auth.source, { kind: "ssm", parameterName: "/gateway/api-key" });
      const fed = new Set(environment(t).flatMap(([, v]) => (isObject(v) && typeof v.Ref === "string" ? [v.Ref] : [])));
      for (const [pname, p] of Object.entries(t.Parameters)) {
        if (!fed.has(pname) || !p.AllowedValues) continue;
        for (const value of p.AllowedValues) {
          assert.doesNotThrow(() => loadConfig(gatewayEnv(t, { ApiKeySecretArn: SECRET, [pname]: str(value) })), `${pname}=${str(value)}`);
        }
      }
    });
  });
}

describe("lambda template: function and front doors", () => {
  it("runs the bundled handler on Node 24 with streaming-length timeouts and a reserved-concurrency switch", () => {
    const fn = props(lambda, "Function");
    assert.equal(fn.Handler, LAMBDA_HANDLER);
    assert.equal(fn.Runtime, "nodejs24.x");
    assert.ok(Number(/nodejs(\d+)/.exec(fn.Runtime)![1]) >= Number(LAMBDA_NODE_TARGET.replace("node", "")));
    assert.equal(Number(readFileSync(".nvmrc", "utf8").trim()), 24);
    assert.deepEqual(fn.Code, { S3Bucket: { Ref: "CodeS3Bucket" }, S3Key: { Ref: "CodeS3Key" } });
    assert.deepEqual(fn.Timeout, { Ref: "FunctionTimeout" });
    assert.equal(lambda.Parameters.FunctionTimeout!.Default, 900);
    assert.equal(lambda.Parameters.FunctionTimeout!.MaxValue, 900);
    assert.deepEqual(fn.ReservedConcurrentExecutions, {
      "Fn::If": ["HasReservedConcurrency", { Ref: "ReservedConcurrency" }, { Ref: "AWS::NoValue" }],
    });
    assert.deepEqual(lambda.Conditions.HasReservedConcurrency, { "Fn::Not": [{ "Fn::Equals": [{ Ref: "ReservedConcurrency" }, -1] }] });
    assert.deepEqual(fn.LoggingConfig, { LogGroup: { Ref: "LogGroup" } });
    assert.deepEqual(lambda.Parameters.Architecture!.AllowedValues, ["arm64", "x86_64"]);
  });

  it("offers a Function URL in RESPONSE_STREAM mode with both invoke permissions", () => {
    assert.deepEqual(lambda.Parameters.Endpoint!.AllowedValues, ["FunctionUrl", "ApiGatewayRest"]);
    const url = resource(lambda, "FunctionUrl");
    assert.equal(url.Condition, "UseFunctionUrl");
    assert.equal(url.Properties!.InvokeMode, "RESPONSE_STREAM");
    assert.deepEqual(url.Properties!.AuthType, { Ref: "FunctionUrlAuthType" });
    assert.deepEqual(lambda.Parameters.FunctionUrlAuthType!.AllowedValues, ["NONE", "AWS_IAM"]);
    // The public invoke permissions exist only for AuthType NONE; with AWS_IAM nothing is public.
    assert.deepEqual(lambda.Conditions.PublicFunctionUrl, {
      "Fn::And": [{ Condition: "UseFunctionUrl" }, { "Fn::Equals": [{ Ref: "FunctionUrlAuthType" }, "NONE"] }],
    });
    const perms = Object.values(lambda.Resources).filter(
      (r) => r.Type === "AWS::Lambda::Permission" && r.Condition === "PublicFunctionUrl",
    );
    assert.deepEqual(perms.map((p) => p.Properties!.Action).sort(), ["lambda:InvokeFunction", "lambda:InvokeFunctionUrl"]);
    assert.ok(perms.some((p) => p.Properties!.InvokedViaFunctionUrl === true));
  });

  it("offers an API Gateway REST API that streams from the function", () => {
    const methods = Object.values(lambda.Resources).filter((r) => r.Type === "AWS::ApiGateway::Method");
    assert.equal(methods.length, 2, "the root and {proxy+}");
    for (const m of methods) {
      assert.equal(m.Condition, "UseApiGateway");
      const integration = m.Properties!.Integration as JsonObject;
      assert.equal(integration.Type, "AWS_PROXY");
      assert.equal(integration.ResponseTransferMode, "STREAM");
      assert.equal(integration.TimeoutInMillis, 900_000);
      assert.match(
        str((integration.Uri as JsonObject)["Fn::Sub"]),
        /lambda:path\/2021-11-15\/functions\/\$\{Function\.Arn\}\/response-streaming-invocations$/,
      );
    }
    assert.deepEqual((props(lambda, "RestApi").EndpointConfiguration as JsonObject).Types, ["REGIONAL"]);
    assert.equal(props(lambda, "ApiInvokePermission").Principal, "apigateway.amazonaws.com");
  });
});

describe("fargate template: load balancer, network, scaling", () => {
  it("serves HTTPS when given a certificate, redirects HTTP to it, and warns when it is plain HTTP", () => {
    const https = resource(fargate, "HttpsListener");
    assert.equal(https.Condition, "HasCertificate");
    assert.equal(https.Properties!.Protocol, "HTTPS");
    assert.deepEqual(https.Properties!.Certificates, [{ CertificateArn: { Ref: "CertificateArn" } }]);
    assert.match(str(https.Properties!.SslPolicy), /TLS13/);
    const [cond, withCert, withoutCert] = (props(fargate, "HttpListener").DefaultActions as JsonObject)["Fn::If"] as [
      string,
      JsonObject[],
      JsonObject[],
    ];
    assert.equal(cond, "HasCertificate");
    assert.equal(withCert[0]!.Type, "redirect");
    assert.deepEqual(withCert[0]!.RedirectConfig, { Protocol: "HTTPS", Port: "443", StatusCode: "HTTP_301" });
    assert.equal(withoutCert[0]!.Type, "forward");
    assert.equal(fargate.Outputs.Warning?.Condition, "NoCertificate");
    assert.match(str(fargate.Outputs.Warning?.Value), /HTTP only/);
  });

  it("keeps idle connections open long enough for long generations", () => {
    const attrs = props(fargate, "LoadBalancer").LoadBalancerAttributes as JsonObject[];
    assert.deepEqual(attrs.find((a) => a.Key === "idle_timeout.timeout_seconds")?.Value, { Ref: "IdleTimeoutSeconds" });
    assert.ok(Number(fargate.Parameters.IdleTimeoutSeconds!.Default) >= 600);
    const tg = props(fargate, "TargetGroup");
    assert.equal(tg.HealthCheckPath, "/health");
    assert.equal(tg.Port, 8080);
    assert.deepEqual((tg.TargetGroupAttributes as JsonObject[]).find((a) => a.Key === "deregistration_delay.timeout_seconds")?.Value, {
      Ref: "DeregistrationDelaySeconds",
    });
  });

  it("uses an existing VPC and subnets, or creates one; tasks in public or private subnets", () => {
    for (const p of ["VpcId", "LoadBalancerSubnetIds", "TaskSubnetIds", "TasksInPrivateSubnets"]) assert.ok(fargate.Parameters[p], p);
    assert.equal(fargate.Parameters.VpcId!.Default, "");
    for (const r of ["Vpc", "InternetGateway", "PublicSubnet1", "PublicSubnet2", "PublicDefaultRoute"])
      assert.equal(resource(fargate, r).Condition, "CreateVpc", r);
    for (const r of ["PrivateSubnet1", "PrivateSubnet2", "NatGateway", "PrivateDefaultRoute"])
      assert.equal(resource(fargate, r).Condition, "CreateNat", r);
    const net = (props(fargate, "Service").NetworkConfiguration as JsonObject).AwsvpcConfiguration as JsonObject;
    assert.deepEqual(net.AssignPublicIp, { "Fn::If": ["PrivateTasks", "DISABLED", "ENABLED"] });
    assert.ok(JSON.stringify(net.Subnets).includes("PrivateSubnet1") && JSON.stringify(net.Subnets).includes("TaskSubnetIds"));
    assert.ok(fargate.Rules?.ExistingVpcNeedsSubnets && fargate.Rules.PrivateTasksInExistingVpcNeedSubnets);
    // Tasks accept traffic from the load balancer only.
    const ingress = props(fargate, "TasksFromLoadBalancer");
    assert.deepEqual([ingress.FromPort, ingress.SourceSecurityGroupId], [8080, { Ref: "LoadBalancerSecurityGroup" }]);
    assert.equal(props(fargate, "TaskSecurityGroup").SecurityGroupIngress, undefined);
  });

  it("scales between MinTasks and MaxTasks on CPU and on requests per task", () => {
    const target = props(fargate, "ScalableTarget");
    assert.deepEqual([target.MinCapacity, target.MaxCapacity], [{ Ref: "MinTasks" }, { Ref: "MaxTasks" }]);
    assert.deepEqual(props(fargate, "Service").DesiredCount, { Ref: "MinTasks" });
    const metrics = Object.values(fargate.Resources)
      .filter((r) => r.Type === "AWS::ApplicationAutoScaling::ScalingPolicy")
      .map(
        (r) =>
          ((r.Properties!.TargetTrackingScalingPolicyConfiguration as JsonObject).PredefinedMetricSpecification as JsonObject)
            .PredefinedMetricType,
      );
    assert.deepEqual(metrics.sort(), ["ALBRequestCountPerTarget", "ECSServiceAverageCPUUtilization"]);
  });

  it("runs the image as the Dockerfile describes it: port, health check, drain inside the stop timeout", () => {
    const container = (props(fargate, "TaskDefinition").ContainerDefinitions as JsonObject[])[0]!;
    assert.deepEqual(container.PortMappings, [{ ContainerPort: 8080, Protocol: "tcp" }]);
    const dockerfile = readFileSync("Dockerfile", "utf8").replace(/\\\n\s*/g, " ");
    const imageCheck = JSON.parse(/^HEALTHCHECK .*?CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    assert.deepEqual((container.HealthCheck as JsonObject).Command, ["CMD", ...imageCheck]);
    const env = gatewayEnv(fargate, { ApiKeySecretArn: SECRET });
    const config = loadConfig(env);
    assert.equal(config.server.port, 8080);
    assert.ok(config.server.shutdownTimeoutMs < Number(container.StopTimeout) * 1000, "the drain ends before SIGKILL");
    const maxIdleMs = Number(fargate.Parameters.IdleTimeoutSeconds!.MaxValue) * 1000;
    assert.ok(config.server.keepAliveTimeoutMs > maxIdleMs, "idle connections outlive any ALB idle timeout the stack allows");
    assert.equal(container.ReadonlyRootFilesystem, true);
    assert.deepEqual((props(fargate, "TaskDefinition").RuntimePlatform as JsonObject).CpuArchitecture, { Ref: "CpuArchitecture" });
  });
});

describe("deploy hardening (issue 14, findings 14-18)", () => {
  it("fargate: without a certificate the stack must be internal or explicitly allow plain HTTP", () => {
    const rule = fargate.Rules!.HttpsOrExplicitPlainHttp as JsonObject;
    assert.deepEqual(rule.RuleCondition, { "Fn::Equals": [{ Ref: "CertificateArn" }, ""] });
    const assertion = (rule.Assertions as JsonObject[])[0]!.Assert;
    assert.deepEqual(assertion, {
      "Fn::Or": [{ "Fn::Equals": [{ Ref: "LoadBalancerScheme" }, "internal"] }, { "Fn::Equals": [{ Ref: "AllowPlainHttp" }, "true"] }],
    });
    assert.equal(fargate.Parameters.AllowPlainHttp!.Default, "false");
  });

  it("fargate: egress to the database and Redis opens only when they are configured, to their group or port", () => {
    const egress = Object.entries(fargate.Resources).filter(
      ([, r]) =>
        r.Type === "AWS::EC2::SecurityGroupEgress" &&
        r.Properties!.GroupId &&
        JSON.stringify(r.Properties!.GroupId).includes("TaskSecurityGroup"),
    );
    const byName = Object.fromEntries(egress);
    assert.deepEqual(Object.keys(byName).sort(), ["TasksToDatabaseGroup", "TasksToDatabasePort", "TasksToRedisGroup", "TasksToRedisPort"]);
    assert.deepEqual(byName.TasksToDatabaseGroup!.Properties!.DestinationSecurityGroupId, { Ref: "DatabaseSecurityGroupId" });
    assert.deepEqual(byName.TasksToDatabasePort!.Properties!.FromPort, { Ref: "DatabasePort" });
    assert.deepEqual(byName.TasksToRedisGroup!.Properties!.DestinationSecurityGroupId, { Ref: "RedisSecurityGroupId" });
    for (const [n, r] of egress) assert.ok(r.Condition, `${n} is conditional`);
    assert.deepEqual(fargate.Conditions.DatabaseByPort, {
      "Fn::And": [{ Condition: "HasDatabaseSecret" }, { "Fn::Equals": [{ Ref: "DatabaseSecurityGroupId" }, ""] }],
    });
    assert.deepEqual([fargate.Parameters.DatabasePort!.Default, fargate.Parameters.RedisPort!.Default], [5432, 6379]);
    // By default only HTTPS leaves the tasks.
    assert.deepEqual(
      (props(fargate, "TaskSecurityGroup").SecurityGroupEgress as JsonObject[]).map((e) => e.FromPort),
      [443],
    );
  });

  it("fargate: ADMIN_API_KEY, METRICS_API_KEY and REDIS_URL come from Secrets Manager ARNs", () => {
    const container = (props(fargate, "TaskDefinition").ContainerDefinitions as JsonObject[])[0]!;
    const secrets = (container.Secrets as Json[]).flatMap(branches) as JsonObject[];
    assert.deepEqual(secrets.map((x) => [x.Name, (x.ValueFrom as JsonObject).Ref]).sort(), [
      ["ADMIN_API_KEY", "AdminApiKeySecretArn"],
      ["DATABASE_URL", "DatabaseUrlSecretArn"],
      ["METRICS_API_KEY", "MetricsApiKeySecretArn"],
      ["REDIS_URL", "RedisUrlSecretArn"],
    ]);
    for (const [, name] of secrets.map((x) => [x.Name, x.Name] as const))
      assert.ok(CONFIG_VARIABLES.includes(name as string), `${str(name)} is read by the gateway`);
    for (const p of ["AdminApiKeySecretArn", "MetricsApiKeySecretArn", "RedisUrlSecretArn", "DatabaseUrlSecretArn"]) {
      assert.match(str(fargate.Parameters[p]!.AllowedPattern), /secretsmanager/, `${p} takes a secret ARN`);
    }
  });

  it("fargate: /admin and /metrics are answered 404 at the load balancer unless ExposeAdminAndMetrics", () => {
    assert.equal(fargate.Parameters.ExposeAdminAndMetrics!.Default, "false");
    const rules = Object.values(fargate.Resources).filter((r) => r.Type === "AWS::ElasticLoadBalancingV2::ListenerRule");
    assert.deepEqual(rules.map((r) => [r.Condition, (r.Properties!.ListenerArn as JsonObject).Ref]).sort(), [
      ["HideAdminOnHttp", "HttpListener"],
      ["HideAdminOnHttps", "HttpsListener"],
    ]);
    for (const r of rules) {
      const paths = ((r.Properties!.Conditions as JsonObject[])[0]!.PathPatternConfig as JsonObject).Values as string[];
      for (const path of ["/admin", "/admin/*", "/metrics"]) assert.ok(paths.includes(path), path);
      const action = (r.Properties!.Actions as JsonObject[])[0]!;
      assert.equal(action.Type, "fixed-response");
      assert.equal((action.FixedResponseConfig as JsonObject).StatusCode, "404");
      assert.equal(r.Properties!.Priority, 1);
    }
    assert.deepEqual(fargate.Conditions.HideAdminOnHttps, { "Fn::And": [{ Condition: "HideAdmin" }, { Condition: "HasCertificate" }] });
  });

  it("neither template asks for aws-marketplace:Unsubscribe", () => {
    for (const t of [lambda, fargate]) assert.ok(!JSON.stringify(t).includes("aws-marketplace:Unsubscribe"));
  });

  it("lambda: reserved concurrency by default, throttled API Gateway stage and usage plan", () => {
    assert.ok(Number(lambda.Parameters.ReservedConcurrency!.Default) > 0, "a cap by default");
    const stage = props(lambda, "ApiStage");
    assert.deepEqual(stage.MethodSettings, [
      {
        ResourcePath: "/*",
        HttpMethod: "*",
        ThrottlingRateLimit: { Ref: "ApiThrottleRateLimit" },
        ThrottlingBurstLimit: { Ref: "ApiThrottleBurstLimit" },
      },
    ]);
    const plan = resource(lambda, "ApiUsagePlan");
    assert.equal(plan.Condition, "UseApiGateway");
    assert.deepEqual(plan.Properties!.Throttle, {
      RateLimit: { Ref: "ApiThrottleRateLimit" },
      BurstLimit: { Ref: "ApiThrottleBurstLimit" },
    });
    assert.deepEqual(plan.Properties!.ApiStages, [{ ApiId: { Ref: "RestApi" }, Stage: { Ref: "ApiStage" } }]);
  });

  it("both: log groups kept on stack deletion when RetainLogsOnDelete; fargate: ALB access logs option", () => {
    for (const t of [lambda, fargate]) {
      const lg = resource(t, "LogGroup") as JsonObject;
      assert.deepEqual(lg.DeletionPolicy, { "Fn::If": ["RetainLogs", "Retain", "Delete"] });
      assert.deepEqual(t.Conditions.RetainLogs, { "Fn::Equals": [{ Ref: "RetainLogsOnDelete" }, "true"] });
      assert.equal((t as unknown as JsonObject).Transform, "AWS::LanguageExtensions");
    }
    const attrs = (props(fargate, "LoadBalancer").LoadBalancerAttributes as Json[]).flatMap(branches) as JsonObject[];
    assert.deepEqual(attrs.find((a) => a.Key === "access_logs.s3.bucket")?.Value, { Ref: "AccessLogsBucket" });
    assert.deepEqual(attrs.find((a) => a.Key === "access_logs.s3.enabled")?.Value, { "Fn::If": ["HasAccessLogs", "true", "false"] });
  });
});

describe("batch inference resources (issue 20)", () => {
  for (const [name, t] of Object.entries({ lambda, fargate })) {
    it(`${name}: an optional private, encrypted bucket with a lifecycle rule`, () => {
      const bucket = resource(t, "BatchBucket");
      assert.equal(bucket.Condition, "BatchEnabled");
      assert.equal(t.Parameters.EnableBatch!.Default, "false");
      const p = bucket.Properties!;
      assert.equal(
        ((p.BucketEncryption as JsonObject).ServerSideEncryptionConfiguration as JsonObject[])[0]!.ServerSideEncryptionByDefault !==
          undefined,
        true,
      );
      assert.deepEqual(p.PublicAccessBlockConfiguration, {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      const rule = ((p.LifecycleConfiguration as JsonObject).Rules as JsonObject[])[0]!;
      assert.deepEqual([rule.Status, rule.ExpirationInDays], ["Enabled", { Ref: "BatchRetentionDays" }]);
      const deny = ((props(t, "BatchBucketPolicy").PolicyDocument as JsonObject).Statement as JsonObject[])[0]!;
      assert.deepEqual([deny.Effect, deny.Condition], ["Deny", { Bool: { "aws:SecureTransport": "false" } }]);
    });

    it(`${name}: the batch service role is Bedrock's only, for this account's jobs, on the batch prefix only`, () => {
      const role = resource(t, "BatchServiceRole");
      const trust = ((role.Properties!.AssumeRolePolicyDocument as JsonObject).Statement as JsonObject[])[0]!;
      assert.deepEqual(trust.Principal, { Service: "bedrock.amazonaws.com" });
      assert.deepEqual((trust.Condition as JsonObject).StringEquals, { "aws:SourceAccount": { Ref: "AWS::AccountId" } });
      assert.match(str(((trust.Condition as JsonObject).ArnEquals as JsonObject)["aws:SourceArn"]), /model-invocation-job\/\*/);
      const statements = policyStatements(t).filter((s) => s.role === "BatchServiceRole");
      assert.deepEqual([...new Set(statements.flatMap((s) => s.Action))].sort(), [
        "bedrock:InvokeModel",
        "s3:GetObject",
        "s3:ListBucket",
        "s3:PutObject",
      ]);
      const objects = statements.find((s) => s.Action.includes("s3:GetObject"))!;
      assert.deepEqual(objects.Resource, [{ "Fn::Sub": "${BatchBucket.Arn}/bedrock-gateway/batches/*" }]);
      assert.deepEqual(statements.find((s) => s.Action.includes("s3:ListBucket"))!.Condition, {
        StringLike: { "s3:prefix": "bedrock-gateway/batches/*" },
      });
      const pass = policyStatements(t).find((s) => s.Action.includes("iam:PassRole"))!;
      assert.deepEqual(pass.Resource, [{ "Fn::GetAtt": ["BatchServiceRole", "Arn"] }]);
      assert.deepEqual(pass.Condition, { StringEquals: { "iam:PassedToService": "bedrock.amazonaws.com" } });
    });

    it(`${name}: EnableBatch gives the gateway a batch configuration it accepts`, () => {
      const off = loadConfig(gatewayEnv(t, { ApiKeySecretArn: SECRET }));
      assert.equal(off.batch.bucket, undefined);
      const on = loadConfig(gatewayEnv(t, { ApiKeySecretArn: SECRET, EnableBatch: "true" }));
      assert.equal(on.batch.bucket, "batchbucket-stand-in");
      assert.equal(on.batch.roleArn, "arn:aws:iam::111122223333:role/BatchServiceRole");
      assert.equal(on.batch.prefix, "bedrock-gateway/", "the prefix the IAM policies name");
    });
  }
});

describe("cfn-lint", () => {
  it("validates both templates against CloudFormation's resource schemas", (t) => {
    const version = spawnSync("cfn-lint", ["--version"], { encoding: "utf8" });
    if (version.error) {
      t.skip("cfn-lint is not installed (pip install cfn-lint)");
      return;
    }
    const r = spawnSync("cfn-lint", ["--", TEMPLATES.lambda, TEMPLATES.fargate], { encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});
