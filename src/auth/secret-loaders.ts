// Loads the client API key from AWS Secrets Manager or SSM Parameter Store with the AWS SDK's
// own clients (imported lazily: deployments with a static key never load them). The SDK reads
// credentials and endpoint overrides (AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL_SSM) itself.

export type KeyLoader = () => Promise<string>;

/** A secret holds the key as a plain string, or as JSON with an `api_key` field (BAG format). */
export function keyFromSecretString(secret: string): string {
  const trimmed = secret.trim();
  if (trimmed.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new Error("the secret looks like JSON but does not parse");
    }
    const key = (parsed as { api_key?: unknown }).api_key;
    if (typeof key !== "string" || key.trim() === "") throw new Error('the secret JSON has no string field "api_key"');
    return key.trim();
  }
  if (trimmed === "") throw new Error("the secret is empty");
  return trimmed;
}

/** Secrets Manager ARNs carry their region; use it so a secret in another region still works. */
function regionOf(idOrArn: string, fallback: string): string {
  const m = /^arn:aws[a-z-]*:(?:secretsmanager|ssm):([a-z0-9-]+):/.exec(idOrArn);
  return m ? m[1]! : fallback;
}

export function secretsManagerLoader(secretId: string, region: string): KeyLoader {
  let client: import("@aws-sdk/client-secrets-manager").SecretsManagerClient | undefined;
  return async () => {
    const sm = await import("@aws-sdk/client-secrets-manager");
    client ??= new sm.SecretsManagerClient({ region: regionOf(secretId, region) });
    const out = await client.send(new sm.GetSecretValueCommand({ SecretId: secretId }));
    if (out.SecretString === undefined) throw new Error("the secret has no SecretString (binary secrets are not supported)");
    return keyFromSecretString(out.SecretString);
  };
}

export function ssmLoader(parameterName: string, region: string): KeyLoader {
  let client: import("@aws-sdk/client-ssm").SSMClient | undefined;
  return async () => {
    const ssm = await import("@aws-sdk/client-ssm");
    client ??= new ssm.SSMClient({ region: regionOf(parameterName, region) });
    const out = await client.send(new ssm.GetParameterCommand({ Name: parameterName, WithDecryption: true }));
    const value = out.Parameter?.Value;
    if (!value) throw new Error("the parameter has no value");
    return keyFromSecretString(value);
  };
}
