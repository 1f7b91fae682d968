// YAML loading that remembers where every mapping, list and value came from (file:line:col).
import { readFileSync } from 'node:fs';
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type ScalarTag,
  type YAMLMap,
} from 'yaml';
import { type Position, SdtdError } from './errors.js';
import { decryptVault, isVaulted, VaultText } from './vault.js';

interface NodeInfo {
  pos: Position;
  keyPos: Map<string, Position>;
  valuePos: Map<string | number, Position>;
}

const info = new WeakMap<object, NodeInfo>();

/** Where a loaded mapping or list starts, or where one of its keys (or values) is. */
export function posOf(
  obj: unknown,
  key?: string | number,
  which: 'key' | 'value' = 'value',
): Position | undefined {
  if (obj === null || typeof obj !== 'object') return undefined;
  const i = info.get(obj);
  if (!i) return undefined;
  if (key === undefined) return i.pos;
  if (which === 'key' && typeof key === 'string') return i.keyPos.get(key) ?? i.valuePos.get(key) ?? i.pos;
  return i.valuePos.get(key) ?? i.pos;
}

/** The deepest known position along a path of keys/indexes from a loaded root. */
export function posAtPath(
  root: unknown,
  path: (string | number)[],
  which: 'key' | 'value' = 'value',
): Position | undefined {
  let cur: unknown = root;
  let best = posOf(root);
  for (let k = 0; k < path.length; k++) {
    if (cur === null || typeof cur !== 'object') break;
    const last = k === path.length - 1;
    best = posOf(cur, path[k], last ? which : 'value') ?? best;
    cur = (cur as Record<string | number, unknown>)[path[k]];
  }
  return best;
}

/** Give a programmatically built object the position of another (e.g. a task copied from its block). */
export function copyPos(from: unknown, to: object): void {
  if (from && typeof from === 'object' && info.has(from)) info.set(to, info.get(from)!);
}

/** `!vault |` values: kept encrypted until a template reads them (engine/vault.ts). */
const VAULT_TAG: ScalarTag = {
  tag: '!vault',
  identify: (v) => v instanceof VaultText,
  resolve: (text: string) => new VaultText(text),
};

const YAML_CODE: Record<string, 'yaml-duplicate-key' | 'yaml-syntax'> = {
  DUPLICATE_KEY: 'yaml-duplicate-key',
};

/** Parse YAML text into plain JS values; errors carry file:line:col. Duplicate keys are errors. */
export function parseYaml(text: string, file: string): unknown {
  // a whole file encrypted with ansible-vault is opened first; positions are those of the plain text
  if (isVaulted(text)) text = decryptVault(text, { pos: { file, line: 1, col: 1 }, what: file });
  const lc = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lc,
    uniqueKeys: true,
    merge: true,
    prettyErrors: false,
    customTags: [VAULT_TAG],
  });
  const first = doc.errors[0];
  if (first) {
    const p = lc.linePos(first.pos[0]);
    const msg = first.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    const code = YAML_CODE[first.code] ?? 'yaml-syntax';
    const key = /^[^:\n]*/.exec(text.slice(first.pos[0]))?.[0].trim();
    const message =
      code === 'yaml-duplicate-key'
        ? `expected each key once in a mapping (got "${key}" again)`
        : `expected valid YAML (got a syntax error: ${msg})`;
    throw new SdtdError(code, message, { pos: { file, line: p.line, col: p.col } });
  }
  const at = (n: Node | null | undefined): Position => {
    const p = lc.linePos(n?.range?.[0] ?? 0);
    return { file, line: p.line, col: p.col };
  };
  return convert(doc, doc.contents as Node | null, at, new Map());
}

function convert(
  doc: Document,
  node: Node | null,
  at: (n: Node | null | undefined) => Position,
  seen: Map<Node, unknown>,
): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    const target = node.resolve(doc) as Node | undefined;
    if (!target) throw new SdtdError('yaml-syntax', `unknown alias *${node.source}`, { pos: at(node) });
    return convert(doc, target, at, seen);
  }
  if (seen.has(node)) return seen.get(node);
  if (isScalar(node)) {
    if (node.value instanceof VaultText) return new VaultText(node.value.text, at(node));
    return node.value === undefined ? null : node.value;
  }
  if (isSeq(node)) {
    const arr: unknown[] = [];
    seen.set(node, arr);
    const i: NodeInfo = { pos: at(node), keyPos: new Map(), valuePos: new Map() };
    node.items.forEach((item, idx) => {
      arr.push(convert(doc, item as Node, at, seen));
      i.valuePos.set(idx, at(item as Node));
    });
    info.set(arr, i);
    return arr;
  }
  if (isMap(node)) {
    const obj: Record<string, unknown> = {};
    seen.set(node, obj);
    const i: NodeInfo = { pos: at(node), keyPos: new Map(), valuePos: new Map() };
    info.set(obj, i);
    fillMap(doc, node, obj, i, at, seen, false);
    return obj;
  }
  return null;
}

function fillMap(
  doc: Document,
  node: YAMLMap,
  obj: Record<string, unknown>,
  i: NodeInfo,
  at: (n: Node | null | undefined) => Position,
  seen: Map<Node, unknown>,
  merged: boolean,
): void {
  for (const pair of node.items) {
    if (!isPair(pair)) continue;
    const keyNode = pair.key as Node | null;
    if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
      // YAML merge key: fill in keys not set explicitly, from one mapping or a list of them
      const v = pair.value as Node;
      const sources = isSeq(v) ? (v.items as Node[]) : [v];
      for (const s of sources) {
        const m = isAlias(s) ? (s.resolve(doc) as Node) : s;
        if (isMap(m)) fillMap(doc, m, obj, i, at, seen, true);
      }
      continue;
    }
    const key = String(isScalar(keyNode) ? keyNode.value : convert(doc, keyNode, at, seen));
    if (merged && Object.hasOwn(obj, key)) continue;
    obj[key] = convert(doc, pair.value as Node, at, seen);
    i.keyPos.set(key, at(keyNode));
    i.valuePos.set(key, at((pair.value as Node) ?? keyNode));
  }
}

/** Read and parse a YAML file; a missing file is an error that says which file and from where. */
export function loadYamlFile(path: string, from?: Position, display = path): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new SdtdError(
      'missing-file',
      `expected the file ${display} (got ${why === 'no such file' ? 'no such file' : `an error: ${why}`})`,
      { pos: from },
    );
  }
  return parseYaml(text, display);
}
