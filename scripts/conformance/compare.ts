// Output comparison as upstream's runner does it: `sed 's/[[:space:]]*$//'` on every
// line, then `$(...)` drops trailing newlines (so trailing blank lines do not count).

export function normalize(text: string): string {
  return text
    .split("\n")
    .map((l) => l.replace(/[ \t\r\v\f]+$/, ""))
    .join("\n")
    .replace(/\n+$/, "");
}

export function sameOutput(expected: string, actual: string): boolean {
  return normalize(expected) === normalize(actual);
}

/** A short excerpt at the first differing line (both texts normalized), or undefined when equal. */
export function firstDifference(expected: string, actual: string, width = 100): string | undefined {
  const e = normalize(expected);
  const a = normalize(actual);
  if (e === a) return undefined;
  const el = e === "" ? [] : e.split("\n");
  const al = a === "" ? [] : a.split("\n");
  let i = 0;
  while (i < el.length && i < al.length && el[i] === al[i]) i++;
  // Show both lines from a little before the first differing column.
  const x = el[i] ?? "";
  const y = al[i] ?? "";
  let col = 0;
  while (col < x.length && col < y.length && x[col] === y[col]) col++;
  const from = col > width / 2 ? col - Math.floor(width / 4) : 0;
  const show = (l: string | undefined): string =>
    l === undefined ? "<end of output>" : JSON.stringify(window(l, from, width));
  return [
    `line ${i + 1}${from > 0 ? `, column ${col + 1}` : ""} (expected ${el.length} lines, got ${al.length}):`,
    `  expected ${show(el[i])}`,
    `  actual   ${show(al[i])}`,
  ].join("\n");
}

function window(s: string, from: number, width: number): string {
  const part = s.slice(from, from + width);
  return `${from > 0 ? "…" : ""}${part}${from + width < s.length ? "…" : ""}`;
}
