// Where a path inside a spec sits in its file: the positions every diagnostic carries. Its own file so
// the checks can name it without depending on the loader that builds it.
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';

export type PathSeg = string | number;

/** Maps a path inside the spec back to a line and column of its file. */
export class SourceMap {
  constructor(
    readonly file: string,
    readonly text: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  private readonly index = new WeakMap<YAMLMap, Map<string, Pair>>();

  /** The pairs of a mapping by key (the first of repeated keys), built once per mapping. */
  private pairs(map: YAMLMap): Map<string, Pair> {
    let byKey = this.index.get(map);
    if (!byKey) {
      byKey = new Map();
      for (const p of map.items) {
        const k = isScalar(p.key) ? String(p.key.value) : String(p.key);
        if (!byKey.has(k)) byKey.set(k, p as Pair);
      }
      this.index.set(map, byKey);
    }
    return byKey;
  }

  /** Position of the value at `path` (or of its key with `key: true`); falls back to the nearest parent. */
  at(path: readonly PathSeg[], opts: { key?: boolean } = {}): { file: string; line: number; col: number } {
    let node: unknown = this.doc.contents;
    let keyNode: unknown;
    let lastGood: unknown = node;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = this.pairs(node).get(String(seg));
        if (!pair) break;
        keyNode = pair.key;
        node = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof seg === 'number') {
        keyNode = undefined;
        node = node.items[seg];
      } else break;
      if (node) lastGood = node;
    }
    const target = (opts.key && keyNode ? keyNode : lastGood) as Node | undefined;
    const offset = target?.range?.[0] ?? 0;
    const pos = this.lines.linePos(offset);
    return { file: this.file, line: pos.line, col: pos.col };
  }
}
