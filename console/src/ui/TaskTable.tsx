/**
 * A page of tasks with status filter, search, paging and per-status counts, kept current by polling
 * (statuses change without a reload). Used by the tasks page (own tasks) and the admin page (all).
 */
import { useCallback, useState } from 'preact/hooks';
import { api } from '../app';
import type { Page, Task } from '../api';
import { saveBlob } from '../api';
import type { Audience } from '../auth';
import { STATUSES } from '../frames';
import { ACTIVE, Alert, Pager, StatusBadge, errorMessage, formatTime, usePolling } from './common';

const POLL_MS = 2_000;

export function TaskTable({ audience, refreshKey }: { audience: Audience; refreshKey?: number }) {
  const [status, setStatus] = useState('');
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [pageNo, setPageNo] = useState(1);
  const [size, setSize] = useState(20);
  const [page, setPage] = useState<Page<Task> | null>(null);
  const [counts, setCounts] = useState<Record<string, number> | null>(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');

  const load = useCallback(async () => {
    try {
      const p = await api.listTasks(audience, { page: pageNo, size, status: status || undefined, search: query || undefined });
      setPage(p);
      if (audience === 'tasks-api') {
        const all = await Promise.all([api.countTasks(), ...STATUSES.map((s) => api.countTasks(s))]);
        const c: Record<string, number> = { '': all[0] };
        STATUSES.forEach((s, i) => (c[s] = all[i + 1]));
        setCounts(c);
      }
      setError('');
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [audience, pageNo, size, status, query]);

  usePolling(load, POLL_MS, [load, refreshKey]);

  const act = async (what: string, fn: () => Promise<unknown>) => {
    setNotice('');
    try {
      await fn();
      setNotice(what);
      await load();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const pickStatus = (s: string) => {
    setStatus(s);
    setPageNo(1);
  };

  return (
    <section class="card" aria-labelledby={`tasks-${audience}`}>
      <h2 id={`tasks-${audience}`}>{audience === 'admin-api' ? 'All tasks' : 'Tasks'}</h2>
      <div class="filters" role="group" aria-label="Filter by status">
        {['', ...STATUSES].map((s) => (
          <button type="button" class={`chip${status === s ? ' on' : ''}`} aria-pressed={status === s}
            onClick={() => pickStatus(s)} data-status={s || 'ALL'}>
            {s ? s.replace(/_/g, ' ').toLowerCase() : 'all'}
            {counts && <span class="count" aria-label={`${counts[s]} tasks`}>{counts[s]}</span>}
          </button>
        ))}
      </div>
      <form class="search" role="search" onSubmit={(e) => { e.preventDefault(); setQuery(search.trim()); setPageNo(1); }}>
        <label for={`search-${audience}`}>Search file names</label>
        <input id={`search-${audience}`} type="search" value={search} placeholder="e.g. dummy"
          onInput={(e) => {
            const v = (e.target as HTMLInputElement).value;
            setSearch(v);
            if (!v) { setQuery(''); setPageNo(1); }
          }} />
        <button type="submit">Search</button>
      </form>
      <Alert>{error}</Alert>
      <Alert kind="info">{notice}</Alert>
      <div class="table-wrap">
        <table class="tasks">
          <caption class="sr-only">Tasks, newest first</caption>
          <thead>
            <tr><th scope="col">Flow</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Actions</th></tr>
          </thead>
          <tbody>
            {page?.items.map((t) => (
              <tr key={t.id} data-task-id={t.id}>
                <td data-label="Flow">
                  {audience === 'tasks-api' ? <a href={`#/tasks/${t.id}`}>{t.filename}</a> : <a href={`#/admin/tasks/${t.id}`}>{t.filename}</a>}
                  <div class="muted small mono">{t.id}</div>
                </td>
                <td data-label="Status"><StatusBadge status={t.status} /></td>
                <td data-label="Created">{formatTime(t.created_at)}</td>
                <td data-label="Actions"><div class="actions">
                  {ACTIVE.has(t.status) && (
                    <button type="button" onClick={() => act(`Cancelled ${t.filename}.`, () => api.cancelTask(audience, t.id))}
                      aria-label={`Cancel ${t.filename} (${t.id})`}>Cancel</button>
                  )}
                  <button type="button" onClick={() => act('', async () => saveBlob(await api.download(audience, t.id), `${t.id}.zip`))}
                    aria-label={`Download ${t.filename} (${t.id})`}>Download</button>
                  {!ACTIVE.has(t.status) && (
                    <button type="button" class="danger"
                      onClick={() => confirm(`Delete ${t.filename}?`) && act(`Deleted ${t.filename}.`, () => api.deleteTask(audience, t.id))}
                      aria-label={`Delete ${t.filename} (${t.id})`}>Delete</button>
                  )}
                </div></td>
              </tr>
            ))}
            {page && page.items.length === 0 && (
              <tr><td colSpan={4} class="muted">No tasks{status || query ? ' match' : ' yet'}.</td></tr>
            )}
          </tbody>
        </table>
      </div>
      {page && (
        <Pager label="Pages" page={page.page} pages={page.pages} total={page.total} noun="task" onPage={setPageNo}>
          <label>
            Per page{' '}
            <select value={size} onChange={(e) => { setSize(Number((e.target as HTMLSelectElement).value)); setPageNo(1); }}>
              {[10, 20, 50, 100].map((n) => <option value={n}>{n}</option>)}
            </select>
          </label>
        </Pager>
      )}
    </section>
  );
}
