// Bedrock document names: letters, digits, single spaces, hyphens, parentheses and brackets, and
// unique within a request. Client file names rarely qualify, so names are derived from them.

export function documentName(filename: string | undefined, used: Set<string>): string {
  const stem = (filename ?? "").replace(/\.[A-Za-z0-9]{1,5}$/, "");
  let base =
    stem
      .replace(/[^A-Za-z0-9\s\-()[\]]/g, " ")
      .replace(/\s+/g, " ")
      .trim()
      .slice(0, 180) || "document";
  if (!/[A-Za-z0-9]/.test(base)) base = "document";
  let name = base;
  for (let n = 2; used.has(name); n++) name = `${base} (${n})`;
  used.add(name);
  return name;
}
