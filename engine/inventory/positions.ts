// Where inventory variables were written: YAML positions, plus positions noted for values copied or parsed from INI.
import type { Position } from '../errors.js';
import { posOf } from '../load.js';

const noted = new WeakMap<object, Map<string, Position>>();

/** Remember where variable KEY of OBJ (a model object the value was copied into) was written. */
export function notePos(obj: object, key: string, pos: Position | undefined): void {
  if (!pos) return;
  let m = noted.get(obj);
  if (!m) {
    m = new Map();
    noted.set(obj, m);
  }
  m.set(key, pos);
}

/** Where variable KEY of OBJ was written: noted, or known from YAML loading. */
export function varPos(obj: object, key: string): Position | undefined {
  return noted.get(obj)?.get(key) ?? (Object.hasOwn(obj, key) ? posOf(obj, key) : undefined);
}
