/**
 * Everything the task's download holds (flow, transcript, results, the run's waldiez_out files),
 * unpacked in the browser: text files shown, images previewed, anything else saved.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../app';
import { saveBlob } from '../api';
import type { Audience } from '../auth';
import { Alert, errorMessage } from './common';

interface Entry {
  path: string;
  bytes: Uint8Array;
}

const IMAGE = /\.(png|jpe?g|gif|webp)$/i;

export function Artifacts({ taskId, audience }: { taskId: string; audience: Audience }) {
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [selected, setSelected] = useState<Entry | null>(null);
  const [error, setError] = useState('');

  const load = async () => {
    setError('');
    try {
      const blob = await api.download(audience, taskId);
      const { unzipSync } = await import('fflate');
      const files = unzipSync(new Uint8Array(await blob.arrayBuffer()));
      setEntries(Object.entries(files).filter(([p]) => !p.endsWith('/')).map(([path, bytes]) => ({ path, bytes })));
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  useEffect(() => void load(), [taskId]);

  return (
    <div class="artifacts">
      <Alert>{error}</Alert>
      <button type="button" onClick={load}>Reload</button>
      {entries && (
        <ul class="files">
          {entries.map((e) => (
            <li>
              <button type="button" class="link" aria-pressed={selected === e} onClick={() => setSelected(e)}>
                {e.path.replace(`${taskId}/`, '')}
              </button>
              <span class="muted small"> {formatBytes(e.bytes.length)}</span>
            </li>
          ))}
        </ul>
      )}
      {selected && <Viewer entry={selected} />}
    </div>
  );
}

function Viewer({ entry }: { entry: Entry }) {
  const name = entry.path.split('/').pop() ?? 'file';
  const [url, setUrl] = useState<string | null>(null);
  const image = IMAGE.test(name);
  useEffect(() => {
    if (!image) return;
    const u = URL.createObjectURL(new Blob([entry.bytes as BlobPart]));
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [entry]);
  const text = image ? null : asText(entry.bytes);
  return (
    <figure class="viewer">
      <figcaption>
        {name}{' '}
        <button type="button" onClick={() => saveBlob(new Blob([entry.bytes as BlobPart]), name)}>Save</button>
      </figcaption>
      {image && url && <img src={url} alt={name} />}
      {text !== null && <pre>{text}</pre>}
      {!image && text === null && <p class="muted">Binary file: save it to open it.</p>}
    </figure>
  );
}

/** UTF-8 text up to 1 MB, else null (binary, or too long to show). */
function asText(bytes: Uint8Array): string | null {
  if (bytes.length > 1_000_000) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}
