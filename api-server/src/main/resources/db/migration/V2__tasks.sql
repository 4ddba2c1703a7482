-- Tasks (spec §7.1) plus the supervisor's bookkeeping, the flows they run, files uploaded with
-- /tasks/upload, and the archive of finished runs (transcript, artifacts; results live in tasks).

-- Declaration order = sort order of "order_by=status", as the original's PostgreSQL enum.
CREATE TYPE task_status AS ENUM ('PENDING', 'RUNNING', 'COMPLETED', 'CANCELLED', 'FAILED', 'WAITING_FOR_INPUT');

CREATE TABLE tasks (
    id               VARCHAR(64)  PRIMARY KEY,
    client_id        VARCHAR(64)  NOT NULL,
    flow_id          VARCHAR(128) NOT NULL,
    filename         VARCHAR(255) NOT NULL,
    input_timeout    INTEGER      NOT NULL DEFAULT 180,
    input_request_id VARCHAR(128),
    status           task_status  NOT NULL DEFAULT 'PENDING',
    results          JSONB,
    -- why the task ended (FAILED/CANCELLED), readable; never holds env values or tracebacks
    status_reason    TEXT,
    schedule_type    VARCHAR(16),
    scheduled_time   TIMESTAMPTZ,
    cron_expression  VARCHAR(255),
    triggered_at     TIMESTAMPTZ,
    expires_at       TIMESTAMPTZ,
    -- which launcher runs it ("local", "kubernetes"): restart recovery only touches its own mode
    launcher         VARCHAR(32),
    started_at       TIMESTAMPTZ,
    finished_at      TIMESTAMPTZ,
    archived_at      TIMESTAMPTZ,
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    deleted_at       TIMESTAMPTZ
);

-- Lists and counts always filter on the owner and on deleted_at IS NULL: partial indexes keep
-- 100k-row pages (default sort created_at, or one of the order_by columns) index-only walks.
CREATE INDEX tasks_client_created_idx  ON tasks (client_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tasks_client_status_idx   ON tasks (client_id, status, created_at) WHERE deleted_at IS NULL;
CREATE INDEX tasks_client_filename_idx ON tasks (client_id, filename) WHERE deleted_at IS NULL;
CREATE INDEX tasks_client_flow_idx     ON tasks (client_id, flow_id) WHERE deleted_at IS NULL;
CREATE INDEX tasks_client_id_idx       ON tasks (client_id, id) WHERE deleted_at IS NULL;
CREATE INDEX tasks_created_idx         ON tasks (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tasks_status_idx          ON tasks (status, created_at) WHERE deleted_at IS NULL;
CREATE INDEX tasks_client_idx          ON tasks (client_id);

-- Substring search on filename (ILIKE '%x%') uses a trigram index where pg_trgm exists
-- (the embedded PostgreSQL has it; a managed server without it still works, only slower).
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXECUTE 'CREATE INDEX tasks_filename_trgm_idx ON tasks USING gin (filename gin_trgm_ops) WHERE deleted_at IS NULL';
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm not available (%), filename search will scan', SQLERRM;
END
$$;

-- The flow each task runs, kept apart so that list queries never touch the bytes.
CREATE TABLE task_flows (
    task_id VARCHAR(64) PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
    content BYTEA       NOT NULL
);

-- Files uploaded with POST /api/v1/tasks/upload, usable once by "filename" on create.
CREATE TABLE task_uploads (
    client_id  VARCHAR(64)  NOT NULL,
    filename   VARCHAR(255) NOT NULL,
    content    BYTEA        NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (client_id, filename)
);

-- task:<id>:output copied at the end of the run, in stream order with the original ids
-- (stream_ms/stream_seq split them so "entries after id X" is an index range).
CREATE TABLE task_transcript_entries (
    task_id    VARCHAR(64)  NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    seq        INTEGER      NOT NULL,
    stream_id  VARCHAR(64)  NOT NULL,
    stream_ms  BIGINT       NOT NULL,
    stream_seq BIGINT       NOT NULL,
    fields     JSONB        NOT NULL,
    PRIMARY KEY (task_id, seq)
);
CREATE INDEX task_transcript_stream_idx ON task_transcript_entries (task_id, stream_ms, stream_seq);

-- task:<id>:artifacts (the zipped waldiez_out/ folder) copied at the end of the run.
CREATE TABLE task_artifacts (
    task_id VARCHAR(64) PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
    content BYTEA       NOT NULL,
    size    BIGINT      NOT NULL
);
