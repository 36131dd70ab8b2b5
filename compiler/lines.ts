// A cursor over the lines of one .kz file; the parser consumes items line by line.

export interface Line {
  /** 1-based line number. */
  number: number;
  text: string;
}

export class Lines {
  private index = 0;
  readonly all: Line[];

  constructor(
    readonly file: string,
    source: string,
  ) {
    const texts = source.includes("\r") ? source.split(/\r?\n/) : source.split("\n");
    this.all = texts.map((text, i) => ({ number: i + 1, text }));
  }

  hasNext(): boolean {
    return this.index < this.all.length;
  }

  next(): Line | undefined {
    return this.all[this.index++];
  }

  peek(offset = 0): Line | undefined {
    return this.all[this.index + offset];
  }

  peekTrimmed(offset = 0): string | undefined {
    return this.all[this.index + offset]?.text.trim();
  }

  /** Number of the line `next()` would return. */
  get position(): number {
    return this.index;
  }
}
