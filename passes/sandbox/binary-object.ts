// Reads a pass's result from QuickJS's binary object format (what `encodeBinaryJSON` writes),
// as JSON.parse(JSON.stringify(result)) would give it: QuickJS writes that format some ten times
// faster than JSON text, which is most of what a pass that changes a program costs.
//
// Only what JSON can hold is read (objects, arrays, strings, numbers, booleans, null; object
// fields set to undefined are dropped, array elements that are undefined become null); anything
// else, a cycle included, is refused, and the sandbox then falls back to JSON text, whose
// errors say what was wrong (QuickJS itself refuses to write functions, getters and Maps, with
// the same fallback). One difference remains: a `toJSON` method a class instance inherits is not
// called; a pass returns plain data. The format belongs to the QuickJS build (`VERSION` below); a
// test reads every example program back through it.

/** The format's version byte in the QuickJS build we ship (quickjs-emscripten 0.32). */
const VERSION = 5;

const NULL = 1;
const UNDEFINED = 2;
const FALSE = 3;
const TRUE = 4;
const INT32 = 5;
const FLOAT64 = 6;
const STRING = 7;
const OBJECT = 8;
const ARRAY = 9;
const REFERENCE = 0x13;

export class NotJsonData extends Error {}

/**
 * The value `bytes` hold, or, with `build` false, only a check that they can be read (no
 * objects made). Throws `NotJsonData` for anything JSON cannot hold.
 */
export function readBinaryObject(bytes: Uint8Array, build = true): unknown {
  return new Reader(bytes, build).top();
}

class Reader {
  private at = 0;
  private atoms: string[] = [];
  /** Objects and arrays in the order they were written (references point into it). */
  private readonly seen: unknown[] = [];
  /** Objects and arrays still being read: a reference to one of them is a cycle. */
  private readonly open: boolean[] = [];
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly build: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  top(): unknown {
    if (this.byte() !== VERSION) throw new NotJsonData("unknown binary object format version");
    const n = this.leb();
    this.atoms = new Array(n);
    for (let i = 0; i < n; i++) this.atoms[i] = this.string();
    const value = this.value();
    if (this.at !== this.bytes.length) throw new NotJsonData("trailing bytes");
    return value === undefined ? null : value;
  }

  private byte(): number {
    if (this.at >= this.bytes.length) throw new NotJsonData("truncated");
    return this.bytes[this.at++];
  }

  private leb(): number {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
    throw new NotJsonData("bad number");
  }

  private string(): string {
    const head = this.leb();
    const length = Math.floor(head / 2);
    const wide = head % 2 === 1;
    const bytes = wide ? length * 2 : length;
    if (this.at + bytes > this.bytes.length) throw new NotJsonData("truncated string");
    const start = this.at;
    this.at += bytes;
    if (!this.build) return "";
    const b = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + start, bytes);
    return b.toString(wide ? "utf16le" : "latin1");
  }

  private key(): string {
    const v = this.leb();
    if (v % 2 === 1) return String((v - 1) / 2); // an integer key ("0")
    const i = v / 2 - 1;
    if (i < 0 || i >= this.atoms.length) throw new NotJsonData("bad key");
    return this.atoms[i];
  }

  private value(): unknown {
    const tag = this.byte();
    switch (tag) {
      case NULL:
        return null;
      case UNDEFINED:
        return undefined;
      case FALSE:
        return false;
      case TRUE:
        return true;
      case INT32: {
        const z = this.leb();
        return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      }
      case FLOAT64: {
        if (this.at + 8 > this.bytes.length) throw new NotJsonData("truncated number");
        const x = this.view.getFloat64(this.at, true);
        this.at += 8;
        // JSON writes non-finite numbers as null and -0 as 0.
        return Number.isFinite(x) ? x + 0 : null;
      }
      case STRING:
        return this.string();
      case OBJECT: {
        const index = this.seen.length;
        const o: Record<string, unknown> = {};
        this.seen.push(o);
        this.open.push(true);
        const n = this.leb();
        for (let i = 0; i < n; i++) {
          const k = this.key();
          const v = this.value();
          if (v === undefined || !this.build) continue;
          // `__proto__` as an own field, as JSON.parse makes it.
          if (k === "__proto__")
            Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
          else o[k] = v;
        }
        this.open[index] = false;
        return o;
      }
      case ARRAY: {
        const index = this.seen.length;
        const n = this.leb();
        const a: unknown[] = this.build ? new Array(n) : [];
        this.seen.push(a);
        this.open.push(true);
        for (let i = 0; i < n; i++) {
          const v = this.value();
          if (this.build) a[i] = v === undefined ? null : v;
        }
        this.open[index] = false;
        return a;
      }
      case REFERENCE: {
        const i = this.leb();
        if (i >= this.seen.length) throw new NotJsonData("bad reference");
        if (this.open[i]) throw new NotJsonData("a cyclic object");
        // JSON writes a shared object once per place; the reader rebuilds the tree anyway.
        return this.seen[i];
      }
      default:
        throw new NotJsonData(`a value JSON cannot hold (tag ${tag})`);
    }
  }
}
