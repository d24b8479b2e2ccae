// The "Runs" view: the runs list on the left; one live run or a comparison on the right.
// The open run is kept in the URL (?run=<id>) so a reload comes back to it.
import { useCallback, useEffect, useState } from 'react';
import { CompareView } from './CompareView';
import { RunDetail } from './RunDetail';
import { RunsList } from './RunsList';
import { runsApi } from './runsApi';
import { useRunsStore } from './runsStore';
import type { RunSummary } from './types';
import './runs.css';
import './editorLink';

let handledOpenAt = 0;

function urlRun(): string | null {
  return new URLSearchParams(location.search).get('run');
}

export function setUrlRun(id: string | null) {
  const u = new URL(location.href);
  if (id) u.searchParams.set('run', id);
  else u.searchParams.delete('run');
  history.replaceState(null, '', u.toString());
}

export function RunsView() {
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [selected, setSelected] = useState<string | null>(urlRun);
  const [compareIds, setCompareIds] = useState<string[]>([]);
  const [comparing, setComparing] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const openRequest = useRunsStore((s) => s.openRequest);

  const refresh = useCallback(() => {
    runsApi.list().then(
      (r) => {
        setRuns(r);
        setErr(null);
      },
      (e: unknown) => setErr(e instanceof Error ? e.message : String(e)),
    );
  }, []);

  useEffect(() => {
    refresh();
    const t = setInterval(refresh, 5000);
    return () => clearInterval(t);
  }, [refresh]);

  const select = (id: string) => {
    setSelected(id);
    setComparing(false);
    setUrlRun(id);
  };

  useEffect(() => {
    // each "open this run" request (Train dialog) is handled once, not on every remount
    if (openRequest && openRequest.at !== handledOpenAt) {
      handledOpenAt = openRequest.at;
      select(openRequest.id);
      refresh();
    }
  }, [openRequest]); // eslint-disable-line react-hooks/exhaustive-deps

  const toggleCompare = (id: string) =>
    setCompareIds((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id]));

  const remove = async (id: string) => {
    try {
      await runsApi.remove(id);
    } catch (e) {
      setErr(e instanceof Error ? e.message : String(e));
    }
    if (selected === id) {
      setSelected(null);
      setUrlRun(null);
    }
    setCompareIds((ids) => ids.filter((x) => x !== id));
    refresh();
  };

  return (
    <div className="runs-view" data-testid="runs-view">
      <RunsList
        runs={runs}
        selectedId={selected}
        compareIds={compareIds}
        onSelect={select}
        onToggleCompare={toggleCompare}
        onCompare={() => setComparing(true)}
        onDelete={remove}
        onRefresh={refresh}
      />
      <div className="runs-main">
        {err && <p className="runs-error">{err}</p>}
        {comparing && compareIds.length >= 2 ? (
          <CompareView ids={compareIds} onClose={() => setComparing(false)} />
        ) : selected ? (
          <RunDetail key={selected} runId={selected} onChanged={refresh} />
        ) : (
          <p className="runs-muted runs-empty">
            Pick a run on the left, or press <b>Train</b> in the editor to start one.
          </p>
        )}
      </div>
    </div>
  );
}
