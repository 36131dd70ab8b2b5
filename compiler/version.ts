// The compiler's version, in one place: package.json's, as `koruc --version`, the CCP `ready`
// message and run records report it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "./modules.js";

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "0.0.0";
  } catch {
    return "0.0.0";
  }
}

export const VERSION = readVersion();

/** `koru-ccp 0.1.0`: how the compiler names itself to clients. */
export const COMPILER_ID = `koru-ccp ${VERSION}`;
