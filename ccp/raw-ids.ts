// Numeric command ids beyond what a JS number holds exactly (above 2^53, or written like `1.0`)
// are echoed with their exact JSON text: the command carries a unique placeholder string while
// it runs, and the placeholder is swapped for the raw text as each line is written.
import { randomBytes } from "node:crypto";
import type { Id } from "./fields.js";
import { rawNumericId } from "./parse-command.js";

export class RawIds {
  private readonly nonce = randomBytes(6).toString("hex");
  private readonly raw = new Map<string, string>();
  private next = 0;
  private readonly pattern = new RegExp(`"\\\\u0001id:${this.nonce}:(\\d+)\\\\u0001"`, "g");

  /**
   * The id to use for a command read from `text`: a placeholder when the number is not exact.
   * `field` names another id-valued field of the command (`cancel`'s `target`).
   */
  idFor(id: Id | undefined, text: string, field = "id"): Id | undefined {
    if (typeof id !== "number") return id;
    const raw = rawNumericId(text, field);
    if (raw === undefined || JSON.stringify(id) === raw) return id;
    const key = String(this.next++);
    this.raw.set(key, raw);
    return `\u0001id:${this.nonce}:${key}\u0001`;
  }

  /** Forget a placeholder once its command is answered. */
  release(id: Id | undefined): void {
    if (typeof id === "string" && id.startsWith(`\u0001id:${this.nonce}:`))
      this.raw.delete(id.slice(id.lastIndexOf(":") + 1, -1));
  }

  /** Whether two ids (placeholders included) name the same id: equal strings, or equal numbers. */
  same(a: Id, b: Id): boolean {
    return this.key(a) === this.key(b);
  }

  private key(id: Id): string {
    if (typeof id === "number") return `n:${numberKey(JSON.stringify(id))}`;
    const raw = id.startsWith(`\u0001id:${this.nonce}:`)
      ? this.raw.get(id.slice(id.lastIndexOf(":") + 1, -1))
      : undefined;
    return raw !== undefined ? `n:${numberKey(raw)}` : `s:${id}`;
  }

  /** A JSONL line with every placeholder replaced by the id's raw text. */
  restore(line: string): string {
    if (this.raw.size === 0 || !line.includes(this.nonce)) return line;
    return line.replace(this.pattern, (whole, key: string) => this.raw.get(key) ?? whole);
  }
}

/** One text per numeric value: whole numbers exactly (any size), others as JS prints them. */
function numberKey(raw: string): string {
  return /^-?\d+$/.test(raw) ? BigInt(raw).toString() : String(Number(raw));
}
