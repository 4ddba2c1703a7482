/**
 * Administration: every client's tasks (an admin-api session) and the clients themselves (a
 * clients-api session; create, rotate the secret, delete). Each part asks for its own sign-in.
 */
import { useState } from 'preact/hooks';
import { api, auth } from '../app';
import type { Client, Page } from '../api';
import { Alert, Pager, errorMessage, formatTime, usePolling } from './common';
import { SignIn } from './SignIn';
import { TaskTable } from './TaskTable';

export function AdminPage() {
  return (
    <>
      {auth.session('admin-api') ? <TaskTable audience="admin-api" />
        : <SignIn expect="admin-api" title="All tasks: sign in with an admin-api client" />}
      {auth.session('clients-api') ? <Clients />
        : <SignIn expect="clients-api" title="Clients: sign in with a clients-api client" />}
    </>
  );
}

function Clients() {
  const [page, setPage] = useState<Page<Client> | null>(null);
  const [pageNo, setPageNo] = useState(1);
  const [error, setError] = useState('');
  const [secret, setSecret] = useState<Client | null>(null);
  const [audience, setAudience] = useState('tasks-api');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');

  const load = async () => setPage(await api.listClients(pageNo, 20));
  usePolling(load, 10_000, [pageNo]);

  const act = async (fn: () => Promise<unknown>) => {
    setError('');
    try {
      await fn();
      await load();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const me = auth.session('clients-api')?.clientId;
  return (
    <section class="card" aria-labelledby="clients-title">
      <h2 id="clients-title">Clients</h2>
      <form class="row" onSubmit={(e) => {
        e.preventDefault();
        void act(async () => {
          setSecret(await api.createClient({ audience, name: name.trim() || 'Default', description: description.trim() || undefined }));
          setName('');
          setDescription('');
        });
      }}>
        <div>
          <label for="client-audience">Audience</label>
          <select id="client-audience" value={audience} onChange={(e) => setAudience((e.target as HTMLSelectElement).value)}>
            <option value="tasks-api">tasks-api (runs flows)</option>
            <option value="admin-api">admin-api (all tasks)</option>
            <option value="clients-api">clients-api (manages clients)</option>
          </select>
        </div>
        <div>
          <label for="client-name">Name</label>
          <input id="client-name" value={name} maxLength={255} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </div>
        <div>
          <label for="client-description">Description</label>
          <input id="client-description" value={description} onInput={(e) => setDescription((e.target as HTMLInputElement).value)} />
        </div>
        <button type="submit" class="primary">Create client</button>
      </form>
      {secret && (
        <div class="alert alert-info secret" role="status">
          <p>Client <code>{secret.client_id}</code> ({secret.audience}). Its secret is shown this once:</p>
          <p><code class="secret-value">{secret.client_secret}</code>{' '}
            <button type="button" onClick={() => void navigator.clipboard?.writeText(secret.client_secret ?? '')}>Copy</button>{' '}
            <button type="button" onClick={() => setSecret(null)}>Done</button></p>
        </div>
      )}
      <Alert>{error}</Alert>
      <div class="table-wrap">
        <table>
          <caption class="sr-only">Clients</caption>
          <thead><tr><th scope="col">Client ID</th><th scope="col">Audience</th><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Actions</th></tr></thead>
          <tbody>
            {page?.items.map((c) => (
              <tr data-client-id={c.client_id}>
                <td data-label="Client ID" class="mono">{c.client_id}</td>
                <td data-label="Audience">{c.audience}</td>
                <td data-label="Name">{c.name}{c.description ? <div class="muted small">{c.description}</div> : null}</td>
                <td data-label="Created">{formatTime(c.created_at)}</td>
                <td data-label="Actions"><div class="actions">
                  <button type="button" aria-label={`Rotate secret of ${c.client_id}`}
                    onClick={() => confirm(`New secret for ${c.client_id}? The old one stops working.`) && act(async () => setSecret(await api.rotateClientSecret(c.id)))}>
                    Rotate secret</button>
                  {c.client_id !== me && (
                    <button type="button" class="danger" aria-label={`Delete ${c.client_id}`}
                      onClick={() => confirm(`Delete client ${c.client_id}? Its tokens stop working at once.`) && act(() => api.deleteClient(c.id))}>
                      Delete</button>
                  )}
                </div></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {page && (
        <Pager label="Client pages" page={page.page} pages={page.pages} total={page.total} noun="client" onPage={setPageNo} />
      )}
    </section>
  );
}
