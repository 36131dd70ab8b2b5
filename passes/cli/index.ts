// Entry for the `fmt` and `passes` subcommands; the koruc CLI loads it lazily.
import { type CliIo, runFmt } from "./fmt.js";
import { runPasses } from "./passes.js";

export type { CliIo };

const stdio: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** Run `koruc fmt ...` or `koruc passes ...`; resolves to the exit code. */
export async function runPassesCli(command: "fmt" | "passes", argv: string[], io: CliIo = stdio): Promise<number> {
  if (command === "fmt") return runFmt(argv, io);
  return runPasses(argv, io);
}
