// Line diff (Myers' O(ND) algorithm) rendered as a unified diff with three lines of context,
// the format `git diff` and `patch` read.

type Op = { kind: "same" | "del" | "add"; text: string };

/** The shortest edit script turning `a` into `b`. */
export function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  // Common prefix and suffix first: passes usually change a little of a long file.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const middle = myers(a.slice(start, endA), b.slice(start, endB));
  return [
    ...a.slice(0, start).map((text) => ({ kind: "same" as const, text })),
    ...middle,
    ...a.slice(endA).map((text) => ({ kind: "same" as const, text })),
  ];
}

function myers(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && v[max + k - 1] < v[max + k + 1]);
      let x = down ? v[max + k + 1] : v[max + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[max + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b, max);
    }
  }
  return [];
}

function backtrack(trace: Int32Array[], a: readonly string[], b: readonly string[], max: number): Op[] {
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d];
    const k = x - y;
    const down = k === -d || (k !== d && v[max + k - 1] < v[max + k + 1]);
    const prevK = down ? k + 1 : k - 1;
    const prevX = v[max + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: "same", text: a[--x] });
      y--;
    }
    if (d > 0) {
      if (down) ops.push({ kind: "add", text: b[--y] });
      else ops.push({ kind: "del", text: a[--x] });
    }
  }
  return ops.reverse();
}

/** Lines of a text; a final newline ends the last line rather than starting an empty one. */
function lines(text: string): string[] {
  return text === "" ? [] : text.replace(/\n$/, "").split("\n");
}

/** A unified diff of `before` and `after` (texts), or "" when they are equal. */
export function unifiedDiff(before: string, after: string, fromName: string, toName: string, context = 3): string {
  if (before === after) return "";
  const a = lines(before);
  const b = lines(after);
  const ops = diffLines(a, b);
  const out = [`--- ${fromName}`, `+++ ${toName}`];
  // Positions (1-based) of each op in a and b.
  const posA: number[] = [];
  const posB: number[] = [];
  let ia = 1;
  let ib = 1;
  for (const op of ops) {
    posA.push(ia);
    posB.push(ib);
    if (op.kind !== "add") ia++;
    if (op.kind !== "del") ib++;
  }
  let i = 0;
  while (i < ops.length) {
    if (ops[i].kind === "same") {
      i++;
      continue;
    }
    const first = Math.max(0, i - context);
    let last = i;
    // Extend the hunk while the next change is within 2 * context unchanged lines.
    for (let j = i; j < ops.length; j++) {
      if (ops[j].kind !== "same") last = j;
      else if (j - last > 2 * context) break;
    }
    const end = Math.min(ops.length - 1, last + context);
    const hunk = ops.slice(first, end + 1);
    const countA = hunk.filter((o) => o.kind !== "add").length;
    const countB = hunk.filter((o) => o.kind !== "del").length;
    const startA = countA === 0 ? posA[first] - 1 : posA[first];
    const startB = countB === 0 ? posB[first] - 1 : posB[first];
    out.push(`@@ -${startA},${countA} +${startB},${countB} @@`);
    for (const o of hunk) out.push(`${o.kind === "same" ? " " : o.kind === "del" ? "-" : "+"}${o.text}`);
    i = end + 1;
  }
  return `${out.join("\n")}\n`;
}
