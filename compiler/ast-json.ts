// The AST as JSON for `koruc --ast-json` and CCP: the entry module appears once, under
// `entry`; `modules` lists the modules it imports (directly or not).
import type { Module, Program } from "./ast.js";

export interface ProgramJson {
  entry: Module;
  modules: Record<string, Module>;
  flags: readonly string[];
}

export function programJson(program: Program): ProgramJson {
  const modules: Record<string, Module> = {};
  for (const [name, mod] of Object.entries(program.modules)) if (mod !== program.entry) modules[name] = mod;
  return { entry: program.entry, modules, flags: program.flags };
}
