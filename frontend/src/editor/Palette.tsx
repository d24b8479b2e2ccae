// Block palette: GET /api/blocks grouped by category (+ composite blocks), searchable;
// drag an item onto the canvas, or click it to drop it in the middle of the view.
import { useReactFlow } from '@xyflow/react';
import { type DragEvent, useMemo, useState } from 'react';
import { editorStore, useEditor } from '../store';
import type { BlockSpec } from '../types';
import { rstPlain } from './rstText';

export const DRAG_MIME = 'application/x-akid-block';

export interface PaletteEntry {
  type: string;
  category: string;
  doc: string;
}

export function paletteEntries(specs: BlockSpec[], composites: string[]): PaletteEntry[] {
  return [
    ...specs.map((s) => ({ type: s.type, category: s.category, doc: s.doc })),
    ...composites.map((c) => ({ type: c, category: 'composite', doc: `Composite block ${c}` })),
  ];
}

export function filterEntries(entries: PaletteEntry[], q: string): PaletteEntry[] {
  const t = q.trim().toLowerCase();
  if (!t) return entries;
  const score = (e: PaletteEntry) => {
    const n = e.type.toLowerCase();
    if (n === t) return 0;
    if (n.startsWith(t)) return 1;
    if (n.includes(t)) return 2;
    if (e.category.toLowerCase().includes(t)) return 3;
    if (e.doc.toLowerCase().includes(t)) return 4;
    return -1;
  };
  return entries
    .map((e) => [e, score(e)] as const)
    .filter(([, s]) => s >= 0)
    .sort((a, b) => a[1] - b[1] || a[0].type.localeCompare(b[0].type))
    .map(([e]) => e);
}

const CATEGORY_ORDER = [
  'io',
  'core',
  'conv',
  'pooling',
  'activation',
  'normalization',
  'regularization',
  'reshape',
  'merge',
  'recurrent',
  'joker',
  'composite',
];

export function groupEntries(entries: PaletteEntry[]): [string, PaletteEntry[]][] {
  const m = new Map<string, PaletteEntry[]>();
  for (const e of entries) (m.get(e.category) ?? m.set(e.category, []).get(e.category)!).push(e);
  const rank = (c: string) => (CATEGORY_ORDER.includes(c) ? CATEGORY_ORDER.indexOf(c) : 50);
  return [...m.entries()].sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
}

export function Palette() {
  const specs = useEditor((s) => s.specList);
  const library = useEditor((s) => s.library);
  const [q, setQ] = useState('');
  const rf = useReactFlow();
  const groups = useMemo(
    () => groupEntries(filterEntries(paletteEntries(specs, Object.keys(library).sort()), q)),
    [specs, library, q],
  );
  const onDragStart = (e: DragEvent, type: string) => {
    e.dataTransfer.setData(DRAG_MIME, type);
    e.dataTransfer.effectAllowed = 'copy';
  };
  const addAtCenter = (type: string) => {
    const el = document.querySelector('.canvas');
    const r = el?.getBoundingClientRect();
    const p = rf.screenToFlowPosition(r ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : { x: 400, y: 300 });
    const n = editorStore.getState().nodes.length;
    editorStore.getState().addNode(type, { x: p.x - 80 + (n % 5) * 12, y: p.y - 30 + (n % 5) * 12 });
  };
  return (
    <aside className="palette" data-testid="palette">
      <input
        className="palette-search"
        type="search"
        placeholder="Search blocks…"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        data-testid="palette-search"
        aria-label="Search blocks"
      />
      <div className="palette-groups">
        {groups.map(([cat, items]) => (
          <section key={cat} className="palette-group" data-testid={`palette-group-${cat}`}>
            <h4>{cat}</h4>
            {items.map((it) => (
              <div
                key={it.type}
                className={`palette-item cat-${cat}`}
                draggable
                onDragStart={(e) => onDragStart(e, it.type)}
                onClick={() => addAtCenter(it.type)}
                tabIndex={0}
                role="button"
                onKeyDown={(e) => e.key === 'Enter' && addAtCenter(it.type)}
                title={`${rstPlain(it.doc)}\n(drag onto the canvas, or click to add)`}
                data-testid={`palette-${it.type}`}
              >
                {it.type}
              </div>
            ))}
          </section>
        ))}
        {groups.length === 0 && <div className="muted">{specs.length ? 'No block matches.' : 'Loading blocks…'}</div>}
      </div>
    </aside>
  );
}
