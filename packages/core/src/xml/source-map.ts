/**
 * Maps element start tags to 1-based line and column in the source text.
 * libxml2 reports only line numbers; columns are recovered by scanning each line for the
 * start tags in document order, which is the order the parser met them.
 */
export class SourceMap {
  private readonly lineStarts: number[] = [0];
  /** Per line, where the next start-tag search begins. */
  private readonly cursors = new Map<number, number>();

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  /** Column of the next start tag `<qname` on `line` (in document order), or 1 if it cannot be found. */
  nextStartTag(line: number, qname: string): number {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return 1;
    const end = this.lineStarts[line] ?? this.text.length;
    let from = this.cursors.get(line) ?? start;
    while (from < end) {
      const at = this.text.indexOf(`<${qname}`, from);
      if (at < 0 || at >= end) break;
      const after = this.text.charCodeAt(at + qname.length + 1);
      // The name must end here: whitespace, '>' or '/'.
      if (after === 32 || after === 9 || after === 10 || after === 13 || after === 62 || after === 47) {
        this.cursors.set(line, at + 1);
        return at - start + 1;
      }
      from = at + 1;
    }
    return 1;
  }
}
