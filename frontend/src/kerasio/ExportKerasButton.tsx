// Run view: download the trained model (newest checkpoint) as a .keras file.
import { runKerasUrl } from './kerasApi';

export function ExportKerasButton({ runId, state }: { runId: string; state: string }) {
  if (!['completed', 'cancelled', 'interrupted', 'failed'].includes(state)) return null;
  return (
    <a
      className="button"
      href={runKerasUrl(runId)}
      download
      data-testid="export-run-keras"
      title="The trained model as a Keras .keras file"
    >
      Export .keras
    </a>
  );
}
