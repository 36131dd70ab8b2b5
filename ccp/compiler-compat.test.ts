// What the compiler produces today fits the protocol's messages unchanged.
import { describe, expect, it } from "vitest";
import { compileSource, parseOnly } from "../compiler/compile.js";
import type { PassEvent } from "../compiler/pipeline.js";
import { checkAgainst } from "./jsonl.js";
import { diagnosticMessage, Message } from "./messages.js";

const BAD = `~event count { n: u32 }
| next { n: u32 }
| done
`;

const GOOD = `~event greet { name: []const u8 }
| done

~proc greet {
    return .{ .done = .{} };
}

~greet(name: "x")
| done |> _
`;

describe("compiler output as CCP messages", () => {
  it("pass events are pass_start / pass_done messages", () => {
    const passes: PassEvent[] = [];
    compileSource(GOOD, "/tmp/koru-ccp-compat/app.kz", { onPass: (p) => passes.push(p), checkOnly: true });
    expect(passes.length).toBeGreaterThanOrEqual(2);
    for (const p of passes) expect(checkAgainst(Message, { ...p, id: 1 })).toBeUndefined();
  });

  it("diagnostics are diagnostic messages, and a parse result is a parsed message", () => {
    const r = parseOnly("/tmp/koru-ccp-compat/count.kz", {}, BAD);
    expect(r.diagnostics.length).toBeGreaterThan(0);
    for (const d of r.diagnostics) expect(checkAgainst(Message, diagnosticMessage(d, "x"))).toBeUndefined();
    const parsed = { type: "parsed", file: "count.kz", ast: r.program?.entry ?? null, diagnostics: r.diagnostics };
    expect(checkAgainst(Message, parsed)).toBeUndefined();
  });
});
