// The block list of the last visit, kept in the browser so that the palette is usable at once
// while a cold server is still listing its blocks.
import type { BlockSpec } from '../types';

const KEY = 'akid.blocks.cache';

export function readBlocksCache(storage: Pick<Storage, 'getItem'> = localStorage): BlockSpec[] | null {
  try {
    const v = JSON.parse(storage.getItem(KEY) ?? 'null');
    return Array.isArray(v) && v.length && v.every((b) => b && typeof b.type === 'string') ? (v as BlockSpec[]) : null;
  } catch {
    return null;
  }
}

export function writeBlocksCache(list: BlockSpec[], storage: Pick<Storage, 'setItem'> = localStorage): void {
  try {
    storage.setItem(KEY, JSON.stringify(list));
  } catch {
    /* storage full or disabled: the palette just waits for the server */
  }
}
