/** One task: actions, live conversation, status timeline, results with usage, artifacts. */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, auth } from '../app';
import { ApiError, saveBlob, type Task } from '../api';
import type { Audience } from '../auth';
import { isFinal, parseFrame, type StatusFrame } from '../frames';
import { TaskStream, type StreamState } from '../stream';
import { timelineOf } from '../timeline';
import { Transcript } from '../transcript';
import { Artifacts } from './Artifacts';
import { ACTIVE, Alert, StatusBadge, errorMessage, formatTime, usePolling } from './common';
import { Results } from './Results';
import { TranscriptView, type InputHandler } from './Transcript';

type Tab = 'conversation' | 'timeline' | 'results' | 'artifacts';
const TABS: Tab[] = ['conversation', 'timeline', 'results', 'artifacts'];

export function TaskPage({ id, audience }: { id: string; audience: Audience }) {
  const [task, setTask] = useState<Task | null>(null);
  const [error, setError] = useState('');
  const [gone, setGone] = useState(false);
  const [tab, setTab] = useState<Tab>('conversation');
  const [version, setVersion] = useState(0);
  const [state, setState] = useState<{ state: StreamState; detail?: string }>({ state: 'connecting' });
  const [frames, setFrames] = useState<StatusFrame[]>([]);
  const [serverError, setServerError] = useState('');
  const [adminTranscript, setAdminTranscript] = useState<Transcript | null>(null);
  const streamRef = useRef<TaskStream | null>(null);

  const refreshTask = async () => {
    try {
      setTask(await api.getTask(audience, id));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        setGone(true);
        streamRef.current?.close();
      } else {
        setError(errorMessage(e));
      }
    }
  };

  // The owner follows the live stream; the REST row is re-read on every status frame.
  useEffect(() => {
    if (audience !== 'tasks-api') return;
    const stream = new TaskStream(id, () => auth.token('tasks-api'), {
      onTranscript: () => setVersion((v) => v + 1),
      onStatus: (f) => {
        setFrames((fs) => [...fs, f]);
        void refreshTask();
      },
      onState: (s, detail) => {
        setState({ state: s, detail });
        if (s === 'reconnecting') void refreshTask();
      },
      onServerError: setServerError,
    }, (after) => api.transcript('tasks-api', id, after));
    streamRef.current = stream;
    setVersion((v) => v + 1);
    stream.start();
    return () => stream.close();
  }, [id, audience]);

  // Polling as well: admins have no stream, and it catches anything a stream could not say.
  usePolling(async () => {
    if (!gone && (!task || !isFinal(task.status))) await refreshTask();
  }, audience === 'tasks-api' ? 5_000 : 2_000, [id, audience, gone, task?.status]);

  const stream = streamRef.current;
  const transcript = audience === 'tasks-api' ? stream?.transcript ?? null : adminTranscript;

  const pendingRequestId = useMemo(() => {
    const last = frames[frames.length - 1];
    if (last && last.status === 'WAITING_FOR_INPUT') return last.inputRequestId;
    if (task?.status === 'WAITING_FOR_INPUT') return task.input_request_id;
    // The input_request entry comes before its status: offer the form at once for the newest one.
    const items = transcript?.items ?? [];
    for (let i = items.length - 1; i >= 0; i--) {
      const it = items[i];
      if (it.kind === 'input') return !it.answered && task && ACTIVE.has(task.status) ? it.requestId : null;
    }
    return null;
  }, [frames, task, version, transcript]);

  const input: InputHandler | null = audience === 'tasks-api' ? {
    pendingRequestId,
    async answer(requestId, data) {
      setServerError('');
      // Over the socket when it is open (the server waits briefly for the WAITING_FOR_INPUT commit); else REST.
      if (stream?.send(requestId, data)) return null;
      try {
        await api.sendInput(id, requestId, data);
        return null;
      } catch (e) {
        return errorMessage(e);
      }
    },
  } : null;

  const act = async (fn: () => Promise<unknown>) => {
    setError('');
    try {
      await fn();
      await refreshTask();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const loadArchivedTranscript = async () => {
    const t = new Transcript();
    for (const line of (await api.transcript(audience, id, '0')).split('\n')) {
      const f = line ? parseFrame(line) : null;
      if (f?.kind === 'output') t.add(f);
    }
    setAdminTranscript(t);
    setVersion((v) => v + 1);
  };

  if (gone) {
    return (
      <section class="card">
        <h2>Task not found</h2>
        <p>It was deleted, or belongs to another client. <a href={audience === 'tasks-api' ? '#/' : '#/admin'}>Back to the tasks</a></p>
      </section>
    );
  }

  const timeline = task && transcript ? timelineOf(task, frames, transcript.items) : task ? timelineOf(task, frames, []) : [];
  return (
    <section class="task-page" aria-labelledby="task-title" data-task-id={id}>
      <div class="card task-head">
        <div>
          <h2 id="task-title">{task?.filename ?? 'Task'}</h2>
          <div class="muted small mono">{id}</div>
        </div>
        <div class="task-status" aria-live="polite">
          {task && <StatusBadge status={task.status} />}
          {audience === 'tasks-api' && <span class={`conn conn-${state.state}`} title={state.detail}>{state.state}</span>}
        </div>
        <div class="actions">
          {task && ACTIVE.has(task.status) && <button type="button" onClick={() => act(() => api.cancelTask(audience, id))}>Cancel</button>}
          <button type="button" onClick={() => act(async () => saveBlob(await api.download(audience, id), `${id}.zip`))}>Download</button>
          {task && !ACTIVE.has(task.status) && (
            <button type="button" class="danger" onClick={() => confirm('Delete this task?') && act(async () => {
              await api.deleteTask(audience, id);
              location.hash = audience === 'tasks-api' ? '#/' : '#/admin';
            })}>Delete</button>
          )}
        </div>
        {task?.status_reason && <p class="reason">{task.status_reason}</p>}
      </div>
      <Alert>{error}</Alert>
      <Alert>{serverError}</Alert>
      {state.state === 'reconnecting' && <Alert kind="info">{state.detail ?? 'Reconnecting…'}</Alert>}
      <div class="tabs" role="tablist" aria-label="Task views"
        onKeyDown={(e) => {
          const i = TABS.indexOf(tab);
          const next = e.key === 'ArrowRight' ? TABS[(i + 1) % TABS.length] : e.key === 'ArrowLeft' ? TABS[(i + TABS.length - 1) % TABS.length] : null;
          if (next) {
            setTab(next);
            (document.getElementById(`tab-${next}`) as HTMLElement | null)?.focus();
          }
        }}>
        {TABS.map((t) => (
          <button type="button" role="tab" id={`tab-${t}`} aria-selected={tab === t} aria-controls={`panel-${t}`}
            tabIndex={tab === t ? 0 : -1} onClick={() => setTab(t)}>{t}</button>
        ))}
      </div>
      <div class="card panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'conversation' && (transcript
          ? <TranscriptView transcript={transcript} version={version} input={input} live={state.state === 'live'} />
          : <button type="button" onClick={() => act(loadArchivedTranscript)}>Load the transcript</button>)}
        {tab === 'timeline' && (
          <ol class="timeline">
            {timeline.map((e) => (
              <li><StatusBadge status={e.status} /> <time>{formatTime(e.at)}</time>{e.note && <span class="note"> {e.note}</span>}</li>
            ))}
          </ol>
        )}
        {tab === 'results' && <Results task={task} />}
        {tab === 'artifacts' && <Artifacts taskId={id} audience={audience} />}
      </div>
    </section>
  );
}
