// The generated Koru program the front-end benchmarks share (bench/format.ts, bench/frontend.ts,
// bench/pass-sandbox.ts): ~40-line units of events, procs, an implementation, a label loop and
// nested continuations, repeated with fresh names until the program has the lines asked for.

/** One ~40-line unit; `comments` adds trailing `//` comments on Koru lines (the formatter keeps them). */
function unit(i: number, comments: boolean): string {
  const note = (text: string) => (comments ? ` // ${text}` : "");
  return `// ---- unit ${i}
~event step_${i} { value: i32, limit: i32 }
| next i32${note("keep going")}
| done i32

~proc step_${i} {
    if (value >= limit) return .{ .done = value };
    return .{ .next = value + 1 };
}

~event check_${i} { value: i32 }
| small i32
| large { value: i32, excess: i32 }

~proc check_${i} {
    if (value < 2) return .{ .small = value };
    return .{ .large = .{ .value = value, .excess = value - 2 } };
}

~event scale_${i} { value: i32, factor: i32 }
| scaled i32

~scale_${i} = scaled value * factor

~event report_${i} { total: i32 }

~proc report_${i} {
    _ = total;
}

~#loop_${i} step_${i}(value: 0, limit: 3)${note("the loop")}
| next n |> check_${i}(value: n)
    | small s |> @loop_${i}(value: s, limit: 3)
    | large l |> scale_${i}(value: l.excess, factor: ${i % 7})
        | scaled x |> report_${i}(total: x + l.value) |> @loop_${i}(value: l.value, limit: 3)
| done d |> std.io:print.ln("unit ${i} done at {{ d:d }}")

`;
}

/** A generated Koru file of about `lines` lines (at least that many), and its exact line count. */
export function koruProgram(lines: number, options: { comments?: boolean } = {}): { text: string; lines: number } {
  const comments = options.comments ?? true;
  const parts = ['~import "$std/io"\n\n'];
  let count = 2;
  for (let i = 0; count < lines; i++) {
    const u = unit(i, comments);
    parts.push(u);
    count += u.split("\n").length - 1;
  }
  return { text: parts.join(""), lines: count };
}
