#!/usr/bin/env node
// Make sure Zig 0.15.2 is available: KORU_ZIG, then `zig` on PATH, then a project-local
// install of PyPI's `ziglang` package under .tools/zig (installed here when missing).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const WANT = "0.15.2";
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const local = join(root, ".tools", "zig", "ziglang", "zig");
const log = (msg) => process.stderr.write(`setup: ${msg}\n`);

function versionOf(zig) {
  try {
    return execFileSync(zig, ["version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

function found() {
  if (process.env.KORU_ZIG) {
    const v = versionOf(process.env.KORU_ZIG);
    if (v === WANT) return process.env.KORU_ZIG;
    log(`KORU_ZIG=${process.env.KORU_ZIG} is ${v ? `Zig ${v}` : "not runnable"}; need ${WANT}`);
  }
  if (versionOf("zig") === WANT) return "zig";
  if (existsSync(local) && versionOf(local) === WANT) return local;
  return undefined;
}

let zig = found();
if (!zig) {
  log(`installing Zig ${WANT} from PyPI (ziglang) into .tools/zig ...`);
  const attempts = [
    ["python3", ["-m", "pip"]],
    ["pip3", []],
    ["pip", []],
  ];
  for (const [cmd, pre] of attempts) {
    try {
      execFileSync(
        cmd,
        [
          ...pre,
          "install",
          "--quiet",
          "--disable-pip-version-check",
          "--no-warn-script-location",
          "--upgrade",
          "--target",
          join(root, ".tools", "zig"),
          `ziglang==${WANT}`,
        ],
        { stdio: ["ignore", "inherit", "inherit"] },
      );
      break;
    } catch {
      log(`'${cmd}' could not install ziglang; trying the next installer`);
    }
  }
  zig = found();
}
if (!zig) {
  log(
    `could not find or install Zig ${WANT}. Install it and set KORU_ZIG=/path/to/zig, or make 'pip install ziglang==${WANT}' work.`,
  );
  process.exit(1);
}
log(`Zig ${WANT}: ${zig}`);
