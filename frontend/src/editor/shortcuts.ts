// Keyboard shortcuts of the editor (also listed by the help overlay).
export interface Shortcut {
  keys: string;
  what: string;
}

export const SHORTCUTS: Shortcut[] = [
  { keys: 'Ctrl+Z', what: 'Undo' },
  { keys: 'Ctrl+Shift+Z / Ctrl+Y', what: 'Redo' },
  { keys: 'Ctrl+C / Ctrl+X / Ctrl+V', what: 'Copy / cut / paste the selection' },
  { keys: 'Ctrl+D', what: 'Duplicate the selection' },
  { keys: 'Ctrl+A', what: 'Select everything' },
  { keys: 'Delete / Backspace', what: 'Delete the selection' },
  { keys: 'Shift+drag', what: 'Box-select; Ctrl+click adds to the selection' },
  { keys: 'Ctrl+G', what: 'Group the selection into a composite block' },
  { keys: 'Ctrl+S', what: 'Save (new version)' },
  { keys: 'L', what: 'Auto-layout' },
  { keys: 'F', what: 'Fit the view' },
  { keys: 'Double-click canvas', what: 'Search and insert a block' },
  { keys: 'Double-click composite', what: 'Edit the composite block; Esc goes back' },
  { keys: '?', what: 'This help' },
];

export type ShortcutAction =
  | 'undo'
  | 'redo'
  | 'copy'
  | 'cut'
  | 'paste'
  | 'duplicate'
  | 'selectAll'
  | 'delete'
  | 'group'
  | 'save'
  | 'layout'
  | 'fit'
  | 'help'
  | 'escape';

/** Which action a key event means (null: not ours). Pure, unit tested. */
export function actionFor(e: {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}): ShortcutAction | null {
  const mod = e.ctrlKey || e.metaKey;
  const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (mod && !e.altKey) {
    if (k === 'z') return e.shiftKey ? 'redo' : 'undo';
    if (k === 'y') return 'redo';
    if (k === 'c') return 'copy';
    if (k === 'x') return 'cut';
    if (k === 'v') return 'paste';
    if (k === 'd') return 'duplicate';
    if (k === 'a') return 'selectAll';
    if (k === 'g') return 'group';
    if (k === 's') return 'save';
    return null;
  }
  if (e.altKey) return null;
  if (e.key === 'Delete' || e.key === 'Backspace') return 'delete';
  if (e.key === '?') return 'help';
  if (e.key === 'Escape') return 'escape';
  if (k === 'l') return 'layout';
  if (k === 'f') return 'fit';
  return null;
}

export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el?.tagName) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}
