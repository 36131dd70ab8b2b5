// Which fields of a value a (stripping) zod schema did not keep: parsing drops fields a
// schema does not define, so comparing the input with the parsed output finds them.

/** Paths (`data.extra`, `flags[1].x`) present in `input` but dropped from `output`. */
export function unknownFields(input: unknown, output: unknown): string[] {
  const out: string[] = [];
  walk(input, output, "", out);
  return out;
}

function walk(input: unknown, output: unknown, prefix: string, out: string[]): void {
  // Identical references: the schema kept the value as is (z.unknown), nothing to compare.
  if (input === output || !isObject(input) || !isObject(output)) return;
  if (Array.isArray(input)) {
    if (!Array.isArray(output)) return;
    const n = Math.min(input.length, output.length);
    for (let i = 0; i < n; i++) walk(input[i], output[i], `${prefix}[${i}]`, out);
    return;
  }
  for (const key of Object.keys(input)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const value = (input as Record<string, unknown>)[key];
    if (!Object.hasOwn(output, key)) {
      if (value !== undefined) out.push(path);
    } else walk(value, (output as Record<string, unknown>)[key], path, out);
  }
}

function isObject(v: unknown): v is object {
  return typeof v === "object" && v !== null;
}
