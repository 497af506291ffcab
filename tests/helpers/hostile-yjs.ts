// Structure a modified client could write but the editor never makes, for the schema tests.
import * as Y from "yjs";

/** Blockquotes `depth` deep with a paragraph at the bottom, inserted into `parent` at `index`
 * one level at a time (Yjs integrates a prepared tree recursively and would overflow). */
export function insertNestedBlockquotes(parent: Y.XmlElement, index: number, depth: number): void {
  let current = new Y.XmlElement("blockquote");
  parent.insert(index, [current]);
  for (let level = 1; level < depth; level += 1) {
    const inner = new Y.XmlElement("blockquote");
    current.insert(0, [inner]);
    current = inner;
  }
  const paragraph = new Y.XmlElement("paragraph");
  current.insert(0, [paragraph]);
  paragraph.insert(0, [new Y.XmlText("deep")]);
}
