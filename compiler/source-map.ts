// Maps lines of generated Zig back to the .kz line they came from, so Zig errors in
// user proc code are reported at the user's file and line.

export interface Origin {
  file: string;
  line: number;
  /** Column offset to add to a Zig column to get the .kz column (re-indentation). */
  colDelta: number;
  /** The line is user code copied verbatim (proc bodies, host lines): columns carry over. */
  verbatim?: boolean;
}

/** Index = generated line number - 1. */
export type SourceMap = (Origin | undefined)[];

export function lookup(map: SourceMap, zigLine: number): Origin | undefined {
  return map[zigLine - 1];
}
