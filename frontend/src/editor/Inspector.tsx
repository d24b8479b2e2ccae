// The right-hand panel: params of the selected node (form generated from the block's JSON
// Schema), an edge's feedback flag, or the graph's own settings and issues.
import { formatCount, formatShape } from '../graph/format';
import { portsFor } from '../graph/ports';
import { editorStore, useEditor } from '../store';
import { SweepField } from '../sweeps/SweepField';
import { SweepNodeControls } from '../sweeps/SweepNodeControls';
import type { JsonSchema } from '../types';
import { isIncomplete } from './issueKinds';
import { ParamField } from './ParamField';
import { RstText } from './rstText';
import { SharesField } from './SharesField';

export function Inspector({ onGroup }: { onGroup: () => void }) {
  const selNodes = useEditor((s) =>
    s.nodes
      .filter((n) => n.selected)
      .map((n) => n.id)
      .join(' '),
  );
  const selEdges = useEditor((s) =>
    s.edges
      .filter((e) => e.selected)
      .map((e) => e.id)
      .join(' '),
  );
  const ids = selNodes ? selNodes.split(' ') : [];
  const eids = selEdges ? selEdges.split(' ') : [];
  return (
    <aside className="inspector" data-testid="inspector">
      {ids.length === 1 ? (
        <NodeInspector id={ids[0]} />
      ) : ids.length > 1 ? (
        <div>
          <h3>{ids.length} blocks selected</h3>
          <button onClick={onGroup} data-testid="inspector-group">
            Group into composite…
          </button>
          <button onClick={() => editorStore.getState().deleteSelection()}>Delete</button>
        </div>
      ) : eids.length === 1 ? (
        <EdgeInspector id={eids[0]} />
      ) : (
        <GraphInspector />
      )}
    </aside>
  );
}

function NodeInspector({ id }: { id: string }) {
  // The node's data, not the node: a drag gives the node a new object on every move, its data stays.
  const data = useEditor((s) => s.nodes.find((n) => n.id === id)?.data);
  const spec = useEditor((s) => (data ? s.specs[data.type] : undefined));
  const composite = useEditor((s) => (data ? (s.meta.blocks?.[data.type] ?? s.library[data.type]) : undefined));
  const paramIssues = useEditor((s) => s.report?.paramIssues[id]);
  const issues = useEditor((s) => s.report?.nodeIssues[id]);
  const info = useEditor((s) => s.report?.nodes[id]);
  const ownerParams = useEditor((s) => (info?.shares ? s.report?.nodes[info.shares]?.params : undefined));
  if (!data) return null;
  const schema = spec?.params_schema;
  const props = schema?.properties ?? {};
  const known = new Set(Object.keys(props));
  const extra = Object.keys(data.params).filter((k) => !known.has(k));
  const ports = portsFor(data.type, data.params, spec, composite ? { [data.type]: composite } : {});
  const set = (k: string, v: unknown) => editorStore.getState().setParam(id, k, v);
  return (
    <div data-testid="inspector-node">
      <h3>
        {data.type} <span className="muted">{id}</span>
      </h3>
      {spec?.doc && (
        <p className="doc">
          <RstText text={spec.doc} />
        </p>
      )}
      <div className="param-field">
        <label htmlFor="node-label">Label</label>
        <input
          id="node-label"
          type="text"
          value={data.label ?? ''}
          placeholder={id}
          onChange={(e) => editorStore.getState().setLabel(id, e.target.value)}
        />
      </div>
      <SharesField id={id} />
      {issues && issues.length > 0 && (
        <div className="issues" data-testid="inspector-issues">
          {issues
            .filter((i) => !i.param)
            .map((i, k) =>
              isIncomplete(i) ? (
                <div key={k} className="issue-hint">
                  ○ {i.message}
                </div>
              ) : (
                <div key={k} className="field-error">
                  {i.message}
                </div>
              ),
            )}
        </div>
      )}
      {schema &&
        Object.entries(props).map(([k, ps]) => (
          <SweepField
            key={`${id}:${k}`}
            nodeId={id}
            name={k}
            value={data.params[k]}
            defaultValue={spec?.defaults[k]}
            onChange={(v) => set(k, v)}
          >
            <ParamField
              nodeId={id}
              name={k}
              schema={ps as JsonSchema}
              root={schema}
              value={data.params[k]}
              defaultValue={spec?.defaults[k]}
              errors={paramIssues?.[k]}
              onChange={(v) => set(k, v)}
            />
          </SweepField>
        ))}
      {extra.map((k) => (
        <div key={k} className="param-field has-error">
          <span className="param-label">{k}</span>
          <div className="field-error">
            unknown param {k}
            {paramIssues?.[k] ? `: ${paramIssues[k].join('; ')}` : ''}
          </div>
          <button onClick={() => set(k, undefined)}>Remove</button>
        </div>
      ))}
      {composite && (
        <div className="composite-info">
          <p className="muted">
            Composite block: ports {ports.inputs.map((p) => p.name).join(', ')} →{' '}
            {ports.outputs.map((p) => p.name).join(', ')}.
          </p>
          <button onClick={() => editorStore.getState().openComposite(id)} data-testid="open-composite">
            Edit inside
          </button>
        </div>
      )}
      <SweepNodeControls id={id} />
      <div className="node-actions">
        <button
          onClick={() => editorStore.getState().deleteSelection()}
          data-testid="inspector-delete"
          title="Delete (Del)"
        >
          Delete block
        </button>
      </div>
      {info && (
        <div className="node-info">
          {Object.entries(info.outputs).map(([p, s]) => (
            <div key={p}>
              {p}: {formatShape(s)}
            </div>
          ))}
          <div data-testid="inspector-params">
            {info.shares
              ? `uses ${info.shares}'s ${formatCount(ownerParams)} params · ${formatCount(info.flops)} FLOPs`
              : `${formatCount(info.params)} params · ${formatCount(info.flops)} FLOPs`}
          </div>
        </div>
      )}
    </div>
  );
}

function EdgeInspector({ id }: { id: string }) {
  const edge = useEditor((s) => s.edges.find((e) => e.id === id));
  const shape = useEditor((s) => s.report?.edgeShapes[id]);
  if (!edge) return null;
  return (
    <div data-testid="inspector-edge">
      <h3>
        Edge <span className="muted">{id}</span>
      </h3>
      <p>
        {edge.source}.{edge.sourceHandle} → {edge.target}.{edge.targetHandle}
      </p>
      {shape && <p>shape {formatShape(shape)}</p>}
      <label>
        <input
          type="checkbox"
          checked={!!edge.data?.feedback}
          data-testid="edge-feedback"
          onChange={(e) => editorStore.getState().setEdgeFeedback(id, e.target.checked)}
        />
        feedback (carries the previous time step)
      </label>
    </div>
  );
}

function GraphInspector() {
  const meta = useEditor((s) => s.meta);
  const graphIssues = useEditor((s) => s.report?.graphIssues);
  const setMeta = (p: Partial<typeof meta>) => editorStore.getState().setMeta(p);
  const ts = meta.params?.time_steps;
  return (
    <div data-testid="inspector-graph">
      <h3>Graph</h3>
      <div className="param-field">
        <label htmlFor="graph-description">Description</label>
        <textarea
          id="graph-description"
          value={meta.description ?? ''}
          onChange={(e) => setMeta({ description: e.target.value || undefined })}
        />
      </div>
      <div className="param-field">
        <label htmlFor="graph-time-steps">Time steps</label>
        <input
          id="graph-time-steps"
          type="number"
          min={1}
          max={1000}
          value={ts ?? ''}
          placeholder="1"
          data-testid="graph-time-steps"
          onChange={(e) => {
            const v = e.target.value === '' ? undefined : Number(e.target.value);
            const params = { ...(meta.params ?? {}) };
            if (v === undefined || !Number.isInteger(v)) delete params.time_steps;
            else params.time_steps = v;
            setMeta({ params: Object.keys(params).length ? params : undefined });
          }}
        />
        <div className="param-doc">Steps a graph with feedback edges is run for.</div>
      </div>
      {graphIssues && graphIssues.length > 0 && (
        <div className="issues" data-testid="graph-issues">
          <h4>Graph issues</h4>
          {graphIssues.map((i, k) => (
            <div key={k} className="field-error">
              {i.message}
            </div>
          ))}
        </div>
      )}
      <p className="muted">Select a block to edit its parameters. Press ? for shortcuts.</p>
    </div>
  );
}
