/** Start a task: a .waldiez file by drag-and-drop or the file picker, input timeout, env vars. */
import { useRef, useState } from 'preact/hooks';
import { api } from '../app';
import { parseEnvVars } from '../envvars';
import { Alert, errorMessage } from './common';

export function Upload({ onCreated }: { onCreated: (taskId: string) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [timeout, setTimeoutValue] = useState(180);
  const [env, setEnv] = useState('');
  const [force, setForce] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    if (!file) {
      setError('Choose a .waldiez file first.');
      return;
    }
    const parsed = parseEnvVars(env);
    if (parsed.error) {
      setError(`Environment variables: ${parsed.error}`);
      return;
    }
    setBusy(true);
    try {
      const task = await api.createTask(file, timeout, parsed.vars, force);
      setFile(null);
      if (input.current) input.current.value = '';
      onCreated(task.id);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card upload" onSubmit={submit} aria-labelledby="upload-title">
      <h2 id="upload-title">Run a flow</h2>
      <div class={`dropzone${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => { e.preventDefault(); setDragging(true); }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          const f = e.dataTransfer?.files?.[0];
          if (f) setFile(f);
        }}>
        <label for="upload-file">
          <strong>Drop a .waldiez file here</strong> or choose one
        </label>
        <input id="upload-file" ref={input} type="file" accept=".waldiez,application/json"
          onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)} />
        {file && <p class="chosen" aria-live="polite">Chosen: <strong>{file.name}</strong> ({Math.ceil(file.size / 1024)} KB)</p>}
      </div>
      <div class="row">
        <div>
          <label for="upload-timeout">Input timeout (seconds)</label>
          <input id="upload-timeout" type="number" min={1} max={86400} required value={timeout}
            onInput={(e) => setTimeoutValue(Number((e.target as HTMLInputElement).value))} />
        </div>
        <div class="check">
          <input id="upload-force" type="checkbox" checked={force} onChange={(e) => setForce((e.target as HTMLInputElement).checked)} />
          <label for="upload-force">Allow a second run of the same file</label>
        </div>
      </div>
      <label for="upload-env">Environment variables <span class="muted">(NAME=value, one per line; never stored)</span></label>
      <textarea id="upload-env" rows={3} spellcheck={false} value={env} autoComplete="off"
        onInput={(e) => setEnv((e.target as HTMLTextAreaElement).value)} />
      <Alert>{error}</Alert>
      <button type="submit" class="primary" disabled={busy}>{busy ? 'Starting…' : 'Start'}</button>
    </form>
  );
}
