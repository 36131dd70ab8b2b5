import { describe, expect, it } from "vitest";
import { parseModule } from "./parse.js";
import { walkModule } from "./walk.js";

const SOURCE = `~event ask { n: i32 }
| yes i32
| no

~ask(n: 1)
| yes y |> ask(n: y)
    | yes z |> _
    | no |> _
| no |> _
`;

describe("walk", () => {
  it("visits chains, steps and continuations in source order, with their depth", () => {
    const { module } = parseModule(SOURCE, "w.kz", "w");
    const seen: string[] = [];
    walkModule(module, {
      item: (item) => void (item.kind !== "host" && seen.push(`item ${item.kind}`)),
      step: (step, ctx) => void seen.push(`step ${step.kind}@${ctx.depth}`),
      continuation: (c, ctx) => void seen.push(`| ${c.branch}@${ctx.depth}`),
    });
    expect(seen).toEqual([
      "item event",
      "item flow",
      "step invoke@0",
      "| yes@0",
      "step invoke@1",
      "| yes@1",
      "step discard@2",
      "| no@1",
      "step discard@2",
      "| no@0",
      "step discard@1",
    ]);
  });

  it("walks 100,000 nested continuations without overflowing the stack", () => {
    // Built as data: the parser's own depth limits are not what this test is about.
    type C = { steps: unknown[]; continuations: unknown[]; span: unknown };
    const span = { file: "d.kz", line: 1, col: 1 };
    const root: C = { steps: [], continuations: [], span };
    let chain = root;
    for (let i = 0; i < 100_000; i++) {
      const body: C = { steps: [{ kind: "discard", span }], continuations: [], span };
      chain.continuations.push({ branch: "b", catchAll: false, bindingAnnotations: [], body, span });
      chain = body;
    }
    const module = { name: "d", file: "d.kz", items: [{ kind: "flow", annotations: [], body: root, span }] };
    let deepest = 0;
    walkModule(module as never, { chain: (_c, ctx) => void (deepest = Math.max(deepest, ctx.depth)) });
    expect(deepest).toBe(100_000);
  });
});

describe("spans", () => {
  it("items carry where they end", () => {
    const { module } = parseModule(SOURCE, "w.kz", "w");
    const [event, , flow] = module.items;
    expect(event.span).toMatchObject({ line: 1, endLine: 3, endCol: 5 });
    expect(flow).toMatchObject({ kind: "flow", span: { line: 5, endLine: 9, endCol: 10 } });
  });
});
