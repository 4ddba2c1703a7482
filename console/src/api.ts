/** Calls of the REST API with the right session's bearer token; errors carry the server's detail. */
import { errorText, type Audience, type Auth } from './auth';
import type { TaskStatus } from './frames';

export interface Task {
  id: string;
  filename: string;
  status: TaskStatus;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  triggered_at: string | null;
  status_reason: string | null;
  input_timeout: number;
  input_request_id: string | null;
  results: unknown;
  client_id: string;
  flow_id: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  size: number;
  pages: number;
}

export interface Client {
  id: string;
  client_id: string;
  audience: Audience;
  name: string;
  description: string | null;
  created_at: string;
  client_secret?: string;
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export class Api {
  constructor(private readonly auth: Auth) {}

  async request(audience: Audience, path: string, init: RequestInit = {}): Promise<Response> {
    const send = async () => {
      const token = await this.auth.token(audience);
      if (!token) {
        throw new ApiError(401, 'Not signed in.');
      }
      const headers = new Headers(init.headers);
      headers.set('Authorization', `Bearer ${token}`);
      return fetch(path, { ...init, headers });
    };
    let res = await send();
    if (res.status === 401) {
      // Expired meanwhile (e.g. the tab slept): one refresh, one retry, else the session is gone.
      await this.auth.refresh(audience);
      res = await send();
      if (res.status === 401) {
        this.auth.forget(audience);
      }
    }
    if (!res.ok) {
      throw new ApiError(res.status, await errorText(res));
    }
    return res;
  }

  async json<T>(audience: Audience, path: string, init: RequestInit = {}): Promise<T> {
    const res = await this.request(audience, path, init);
    return res.status === 204 ? (undefined as T) : ((await res.json()) as T);
  }

  listTasks(audience: Audience, q: { page: number; size: number; status?: string; search?: string }): Promise<Page<Task>> {
    const base = audience === 'admin-api' ? '/api/v1/admin/tasks' : '/api/v1/tasks';
    const params = new URLSearchParams({ page: String(q.page), size: String(q.size), order_by: 'id', order_type: 'desc' });
    if (q.status) params.set('status', q.status);
    if (q.search) params.set('search', q.search);
    return this.json(audience, `${base}?${params}`);
  }

  async countTasks(status?: string, search?: string): Promise<number> {
    const params = new URLSearchParams();
    if (status) params.set('status', status);
    if (search) params.set('search', search);
    const r = await this.json<{ count: number }>('tasks-api', `/api/v1/tasks/count?${params}`);
    return r.count;
  }

  getTask(audience: Audience, id: string): Promise<Task> {
    return this.json(audience, `/api/v1/tasks/${id}`);
  }

  createTask(file: File, inputTimeout: number, envVars: Record<string, string> | null, force: boolean): Promise<Task> {
    const form = new FormData();
    form.set('file', file, file.name);
    form.set('input_timeout', String(inputTimeout));
    if (envVars && Object.keys(envVars).length) form.set('env_vars', JSON.stringify(envVars));
    if (force) form.set('force', 'true');
    return this.json('tasks-api', '/api/v1/tasks', { method: 'POST', body: form });
  }

  /** NDJSON of a task's output entries after a stream id (owner or admin-api). */
  async transcript(audience: Audience, id: string, after: string): Promise<string> {
    return (await this.request(audience, `/api/v1/tasks/${id}/transcript?after=${encodeURIComponent(after)}`)).text();
  }

  cancelTask(audience: Audience, id: string): Promise<Task> {
    return this.json(audience, `/api/v1/tasks/${id}/cancel`, { method: 'POST' });
  }

  deleteTask(audience: Audience, id: string, force = false): Promise<void> {
    return this.json(audience, `/api/v1/tasks/${id}?force=${force}`, { method: 'DELETE' });
  }

  sendInput(id: string, requestId: string, data: string): Promise<void> {
    return this.json('tasks-api', `/api/v1/tasks/${id}/input`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ request_id: requestId, data }),
    });
  }

  async download(audience: Audience, id: string): Promise<Blob> {
    return (await this.request(audience, `/api/v1/tasks/${id}/download`)).blob();
  }

  listClients(page: number, size: number): Promise<Page<Client>> {
    return this.json('clients-api', `/api/v1/clients?page=${page}&size=${size}`);
  }

  createClient(body: { audience: string; name: string; description?: string; client_id?: string }): Promise<Client> {
    return this.json('clients-api', '/api/v1/clients', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  rotateClientSecret(id: string): Promise<Client> {
    return this.json('clients-api', `/api/v1/clients/${id}/secret`, { method: 'POST' });
  }

  deleteClient(id: string): Promise<void> {
    return this.json('clients-api', `/api/v1/clients/${id}`, { method: 'DELETE' });
  }
}

/** Saves a blob as a file through a temporary object URL (no token in any URL). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
