// Percent-encoding as AWS does it: encodeURIComponent plus the RFC 3986 reserved characters it
// leaves alone. Model ids travel as URI labels this way, and SigV4 encodes paths and queries so.

export function encodeLabel(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
