/** A task's results: per run its summary and last speaker, cost and token usage, and the raw JSON. */
import { useState } from 'preact/hooks';
import type { Task } from '../api';
import { isObject } from '../frames';
import { usageOf } from '../usage';

export function Results({ task }: { task: Task | null }) {
  const [raw, setRaw] = useState(false);
  if (!task) return null;
  const results = task.results;
  if (results == null) {
    return <p class="muted">No results {task.status === 'COMPLETED' ? '' : 'yet'}.</p>;
  }
  const runs = Array.isArray(results) ? results : [results];
  const usage = usageOf(results);
  return (
    <div class="results">
      {runs.map((r, i) => isObject(r) && (
        <dl class="run">
          <dt>Run</dt><dd>{i + 1}</dd>
          {'error' in r && <><dt>Error</dt><dd>{String(r.error)}</dd></>}
          {'detail' in r && <><dt>Detail</dt><dd>{String(r.detail)}</dd></>}
          {typeof r.summary === 'string' && <><dt>Summary</dt><dd>{r.summary}</dd></>}
          {r.last_speaker != null && <><dt>Last speaker</dt><dd>{String(r.last_speaker)}</dd></>}
          {Array.isArray(r.messages) && <><dt>Messages</dt><dd>{r.messages.length}</dd></>}
        </dl>
      ))}
      <h3>Cost and usage</h3>
      {usage ? (
        <table class="usage">
          <caption class="sr-only">Cost and tokens per model</caption>
          <thead><tr><th scope="col">Model</th><th scope="col">Cost</th><th scope="col">Prompt</th><th scope="col">Completion</th><th scope="col">Total tokens</th></tr></thead>
          <tbody>
            {usage.models.map((m) => (
              <tr><td>{m.model}</td><td>{m.cost.toFixed(6)}</td><td>{m.promptTokens}</td><td>{m.completionTokens}</td><td>{m.totalTokens}</td></tr>
            ))}
            <tr class="total"><td>total</td><td>{usage.totalCost.toFixed(6)}</td><td colSpan={3}></td></tr>
          </tbody>
        </table>
      ) : <p class="muted">The results carry no cost (no model was called, or the flow ran offline).</p>}
      <button type="button" aria-expanded={raw} onClick={() => setRaw(!raw)}>{raw ? 'Hide' : 'Show'} the raw JSON</button>
      {raw && <pre class="json">{JSON.stringify(results, null, 2)}</pre>}
    </div>
  );
}
