import * as z from "zod";
import { describeEvents, programOf } from "../ops.js";
import { Cursor, Entry, EventSummary, Limit, NextCursor, page } from "../schemas.js";
import { defineTool, READ_ONLY, SECOND } from "../tool.js";

export const listEventsTool = defineTool({
  name: "list_events",
  title: "List events",
  description:
    "Every event of the program: input shape, branches, implementation (proc/subflow) and variant tags. " +
    "Pages with limit/cursor. Read-only.",
  input: {
    entry: Entry,
    module: z.string().max(256).optional().describe('Only events of this module ("input" is the entry file).'),
    include_std: z.boolean().optional().describe("Also list events of std modules (default false)."),
    limit: Limit,
    cursor: Cursor,
  },
  output: { entry: z.string(), total: z.number().int(), events: z.array(EventSummary), next_cursor: NextCursor },
  annotations: READ_ONLY,
  timeoutMs: 30 * SECOND,
  async run(args, { services }) {
    const { entry, program } = programOf(services, args.entry);
    const all = describeEvents(program, args.module, args.include_std ?? false).map((e) => ({
      ...e,
      file: services.rel(e.file),
    }));
    const p = page(all, args.limit, args.cursor);
    const lines = p.items.map(
      (e) => `${e.event} (${e.implementation}${e.variants.length ? `, variants: ${e.variants.join(", ")}` : ""})`,
    );
    return {
      result: {
        entry: services.rel(entry),
        total: all.length,
        events: p.items,
        ...(p.next_cursor ? { next_cursor: p.next_cursor } : {}),
      },
      text: `${all.length} events${p.next_cursor ? ` (showing ${p.items.length}; next cursor ${p.next_cursor})` : ""}:\n${lines.join("\n")}`,
    };
  },
});
