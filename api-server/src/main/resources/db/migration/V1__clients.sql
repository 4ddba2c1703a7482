-- API clients (spec §7.1). Secrets are stored only as password-encoder hashes.
CREATE TABLE clients (
    id            VARCHAR(32)  PRIMARY KEY,
    client_id     VARCHAR(255) NOT NULL,
    client_secret VARCHAR(512) NOT NULL,
    audience      VARCHAR(64)  NOT NULL DEFAULT 'tasks-api',
    name          VARCHAR(255) NOT NULL DEFAULT 'Default',
    description   TEXT,
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    deleted_at    TIMESTAMPTZ,
    CONSTRAINT clients_client_id_key UNIQUE (client_id)
);

CREATE INDEX clients_audience_idx ON clients (audience);
CREATE INDEX clients_created_at_idx ON clients (created_at);
