// Entry for the `fmt` and `passes` subcommands; the koruc CLI loads it lazily.
import { type CliIo, runFmt } from "./fmt.js";

export type { CliIo };

const stdio: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** Run `koruc fmt ...` or `koruc passes ...`; resolves to the exit code. */
export async function runPassesCli(command: "fmt" | "passes", argv: string[], io: CliIo = stdio): Promise<number> {
  if (command === "fmt") return runFmt(argv, io);
  io.err("koruc passes: not available yet\n");
  return 2;
}
