// A minimal AWS STS double: AssumeRole over the awsQuery protocol (form-encoded POST, XML answer),
// as the SDK's STS client (fromTemporaryCredentials) speaks it. It verifies the caller's SigV4
// signature against the source credentials, checks the role's trust (and external id) and hands
// out that role's temporary credentials — which a FakeBedrock for that "account" is configured
// to accept, so a test proves the assumed credentials (not the source ones) signed the calls.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyRequest } from "./sigv4-verifier.ts";
import type { FakeCredentials } from "./sigv4-verifier.ts";

export interface FakeRole {
  /** Temporary credentials issued for this role (the session token is required by the double). */
  credentials: Required<FakeCredentials>;
  /** When set, AssumeRole must carry this ExternalId (a third-party trust policy condition). */
  externalId?: string;
  /** Session length; short values let a test watch the provider refresh. */
  durationSeconds?: number;
}

export interface AssumeRoleCall {
  roleArn: string;
  roleSessionName: string;
  externalId: string | undefined;
  accessKeyId: string;
  region: string;
  at: number;
}

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export class FakeSts {
  readonly calls: AssumeRoleCall[] = [];
  private server!: Server;
  private readonly source: FakeCredentials;
  private readonly roles: Map<string, FakeRole>;

  constructor(source: FakeCredentials, roles: Record<string, FakeRole>) {
    this.source = source;
    this.roles = new Map(Object.entries(roles));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        void this.handle(req.method ?? "GET", req.url ?? "/", req.headers, Buffer.concat(chunks).toString("utf8"), res);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private async handle(
    method: string,
    rawUrl: string,
    headers: Record<string, string | string[] | undefined>,
    body: string,
    res: ServerResponse,
  ): Promise<void> {
    const path = rawUrl.split("?")[0]!;
    const auth = await verifyRequest({ method, path, query: {}, headers, body }, this.source);
    if (!auth.ok) return this.error(res, auth.status, "InvalidClientTokenId", auth.message);
    if (auth.service !== "sts")
      return this.error(res, 403, "SignatureDoesNotMatch", `Credential should be scoped to correct service: 'sts', not '${auth.service}'.`);
    const form = new URLSearchParams(body);
    if (form.get("Action") !== "AssumeRole" || form.get("Version") !== "2011-06-15") {
      return this.error(res, 400, "InvalidAction", `Could not find operation ${form.get("Action")} for version ${form.get("Version")}`);
    }
    const roleArn = form.get("RoleArn") ?? "";
    const session = form.get("RoleSessionName") ?? "";
    if (!/^[\w+=,.@-]{2,64}$/.test(session))
      return this.error(
        res,
        400,
        "ValidationError",
        "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint",
      );
    const role = this.roles.get(roleArn);
    const externalId = form.get("ExternalId") ?? undefined;
    this.calls.push({
      roleArn,
      roleSessionName: session,
      externalId,
      accessKeyId: this.source.accessKeyId,
      region: auth.region,
      at: Date.now(),
    });
    if (!role || (role.externalId !== undefined && role.externalId !== externalId)) {
      return this.error(
        res,
        403,
        "AccessDenied",
        `User: arn:aws:iam::111122223333:user/gateway is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      );
    }
    const expiration = new Date(Date.now() + (role.durationSeconds ?? 3600) * 1000).toISOString();
    const account = /^arn:aws:iam::(\d{12}):/.exec(roleArn)?.[1] ?? "000000000000";
    const roleName = roleArn.split("/").pop()!;
    const c = role.credentials;
    const xml =
      `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>` +
      `<AssumedRoleUser><AssumedRoleId>AROAFAKE${roleName.toUpperCase().replace(/[^A-Z0-9]/g, "")}:${xmlEscape(session)}</AssumedRoleId>` +
      `<Arn>arn:aws:sts::${account}:assumed-role/${xmlEscape(roleName)}/${xmlEscape(session)}</Arn></AssumedRoleUser>` +
      `<Credentials><AccessKeyId>${c.accessKeyId}</AccessKeyId><SecretAccessKey>${xmlEscape(c.secretAccessKey)}</SecretAccessKey>` +
      `<SessionToken>${xmlEscape(c.sessionToken)}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
      `</AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`;
    res.writeHead(200, { "content-type": "text/xml", "content-length": Buffer.byteLength(xml) });
    res.end(xml);
  }

  private error(res: ServerResponse, status: number, code: string, message: string): void {
    const xml = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
    res.writeHead(status, { "content-type": "text/xml", "content-length": Buffer.byteLength(xml) });
    res.end(xml);
  }
}

export async function startFakeSts(source: FakeCredentials, roles: Record<string, FakeRole>): Promise<FakeSts> {
  return new FakeSts(source, roles).start();
}
