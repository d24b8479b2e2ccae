// The inspector's node-level sweep controls: "optional" (the sweep may leave the node out) and
// "repeat" (the node repeated in series, a choice of counts such as 1 | 2 | 3). Both live in the
// graph's sweep structure (`$optional`, `$repeats`), edited through the meta (one undo step each).
import { useEffect, useState } from 'react';
import type { SweepStructure } from '../graph/model';
import { editorStore, useEditor } from '../store';

type Repeat = NonNullable<SweepStructure['repeats']>[number];

function parseCounts(text: string): number[] {
  const counts = text.split('|').map((s) => Number(s.trim()));
  if (!counts.length || counts.some((c) => !Number.isInteger(c) || c < 1))
    throw new Error('counts are positive integers, e.g. 1 | 2 | 3');
  if (new Set(counts).size !== counts.length) throw new Error('a count is listed twice');
  return counts;
}

export function SweepNodeControls({ id }: { id: string }) {
  const sweep = useEditor((s) => s.meta.sweep);
  const optional = !!sweep?.optional?.includes(id);
  const group = sweep?.repeats?.find((r) => r.nodes.includes(id));
  const [draft, setDraft] = useState(group ? group.times.$choice.join(' | ') : '');
  const [err, setErr] = useState<string | null>(null);
  useEffect(() => {
    setDraft(group ? group.times.$choice.join(' | ') : '');
    setErr(null);
  }, [id, JSON.stringify(group?.times)]);

  const save = (next: SweepStructure) => {
    const clean: SweepStructure = {};
    if (next.optional?.length) clean.optional = next.optional;
    if (next.repeats?.length) clean.repeats = next.repeats;
    editorStore.getState().setMeta({ sweep: Object.keys(clean).length ? clean : undefined });
  };
  const toggleOptional = (on: boolean) => {
    const rest = (sweep?.optional ?? []).filter((x) => x !== id);
    save({ ...sweep, optional: on ? [...rest, id] : rest });
  };
  const setRepeat = (text: string) => {
    setDraft(text);
    const others = (sweep?.repeats ?? []).filter((r) => r !== group);
    if (!text.trim()) {
      setErr(null);
      return save({ ...sweep, repeats: others });
    }
    try {
      const counts = parseCounts(text);
      setErr(null);
      const taken = new Set(others.map((r) => r.id));
      let k = 1;
      while (taken.has(`repeat${k}`)) k++;
      const next: Repeat = group
        ? { ...group, times: { $choice: counts } }
        : { id: `repeat${k}`, nodes: [id], times: { $choice: counts } };
      save({ ...sweep, repeats: [...others, next] });
    } catch (e) {
      setErr((e as Error).message);
    }
  };
  return (
    <div className="sweep-node-controls" data-testid="sweep-node-controls">
      <h4>Sweep</h4>
      <label title="The sweep tries the graph with and without this block (it needs exactly one input)">
        <input
          type="checkbox"
          checked={optional}
          data-testid="sweep-optional"
          onChange={(e) => toggleOptional(e.target.checked)}
        />{' '}
        optional block
      </label>
      <label
        className="runs-field"
        title={
          group && group.nodes.length > 1
            ? `repeats the chain ${group.nodes.join(' > ')}`
            : 'the block repeated in series'
        }
      >
        <span>repeat ×</span>
        <input
          value={draft}
          placeholder="1 | 2 | 3"
          data-testid="sweep-repeat"
          onChange={(e) => setRepeat(e.target.value)}
        />
      </label>
      {group && group.nodes.length > 1 && (
        <div className="param-doc">
          with {group.nodes.filter((n) => n !== id).join(', ')} ({group.id})
        </div>
      )}
      {err && <div className="field-error">{err}</div>}
    </div>
  );
}
