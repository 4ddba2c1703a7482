/** The console: hash routes (#/, #/tasks/<id>, #/admin, #/admin/tasks/<id>) under /ui/. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { auth } from './app';
import './styles.css';
import { AdminPage } from './ui/AdminPage';
import { useSubscription } from './ui/common';
import { SignIn } from './ui/SignIn';
import { TaskPage } from './ui/TaskPage';
import { TaskTable } from './ui/TaskTable';
import { Upload } from './ui/Upload';

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

const subscribeAuth = (l: () => void) => auth.subscribe(l);

function App() {
  useSubscription(subscribeAuth);
  const hash = useHash();
  const path = hash.replace(/^#/, '') || '/';
  const taskMatch = /^\/tasks\/([0-9a-f]{32})$/.exec(path);
  const adminTask = /^\/admin\/tasks\/([0-9a-f]{32})$/.exec(path);
  const admin = path.startsWith('/admin');
  const tasksSession = auth.session('tasks-api');

  useEffect(() => {
    document.title = taskMatch ? 'Task · Waldiez console' : admin ? 'Admin · Waldiez console' : 'Tasks · Waldiez console';
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [path]);

  let body;
  if (!auth.signedIn) {
    body = <SignIn />;
  } else if (adminTask) {
    body = auth.session('admin-api') ? <TaskPage key={adminTask[1]} id={adminTask[1]} audience="admin-api" /> : <AdminPage />;
  } else if (admin) {
    body = <AdminPage />;
  } else if (!tasksSession) {
    body = <SignIn expect="tasks-api" title="Tasks: sign in with a tasks-api client" />;
  } else if (taskMatch) {
    body = <TaskPage key={taskMatch[1]} id={taskMatch[1]} audience="tasks-api" />;
  } else {
    body = <TasksHome />;
  }

  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
      <header class="top">
        <h1><a href="#/">Waldiez console</a></h1>
        {auth.signedIn && (
          <nav aria-label="Main">
            <a href="#/" aria-current={!admin ? 'page' : undefined}>Tasks</a>
            <a href="#/admin" aria-current={admin ? 'page' : undefined}>Admin</a>
            <span class="who muted small">{['tasks-api', 'admin-api', 'clients-api'].map((a) => auth.session(a as never)?.clientId && `${a}`).filter(Boolean).join(' · ')}</span>
            <button type="button" onClick={() => { auth.signOut(); location.hash = '#/'; }}>Sign out</button>
          </nav>
        )}
      </header>
      <main id="main" tabIndex={-1}>{body}</main>
    </>
  );
}

function TasksHome() {
  const [created, setCreated] = useState(0);
  return (
    <>
      <Upload onCreated={(id) => { setCreated(created + 1); location.hash = `#/tasks/${id}`; }} />
      <TaskTable audience="tasks-api" refreshKey={created} />
    </>
  );
}

render(<App />, document.getElementById('app')!);
