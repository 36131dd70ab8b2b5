// Shared by the CCP end-to-end tests: the tick/spin label loop the recorder's tests instrument,
// the parser that checks every stdout line against the CCP schemas, and a one-shot daemon.
import { spawn } from "node:child_process";
import { Message } from "../ccp/messages.js";
import { KORUC } from "./helpers.js";

export type Msg = Record<string, unknown> & { type: string };

/** `tick` counts down; `spin` loops over it with a label. */
export const LOOPS = `const std = @import("std");

~event tick { n: u32 }
| next u32
| done

~proc tick {
    if (n == 0) return .{ .done = .{} };
    return .{ .next = n - 1 };
}

~event spin { n: u32 }
| finished u32

~spin = #l tick(n: n)
| next m |> @l(n: m)
| done |> finished n
`;

/** LOOPS plus `parallel`, which runs `spin` on several threads. */
export const TICKS = `${LOOPS}
~event parallel { threads: u32, n: u32 }

~proc parallel {
    var handles: [8]std.Thread = undefined;
    for (0..threads) |i| handles[i] = std.Thread.spawn(.{}, worker, .{n}) catch unreachable;
    for (0..threads) |i| handles[i].join();
}

fn worker(n: u32) void {
    _ = main_module.spin_event.handler(.{ .n = n });
}
`;

/** Every stdout line as a CCP message; a line that is not one fails the test. */
export function messages(stdout: string): Msg[] {
  return stdout
    .trim()
    .split("\n")
    .map((line) => {
      const parsed = Message.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`invalid CCP line: ${line}\n${parsed.error.message}`);
      return parsed.data as Msg;
    });
}

/** A real daemon in `cwd`: send `commands`, close its input, resolve with every message (checked). */
export function daemon(cwd: string, commands: object[]): Promise<Msg[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KORUC, "--ccp"], { cwd, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.on("error", reject);
    child.on("close", () => {
      try {
        resolve(messages(out));
      } catch (e) {
        reject(e);
      }
    });
    child.stdin.end(commands.map((c) => `${JSON.stringify(c)}\n`).join(""));
  });
}
