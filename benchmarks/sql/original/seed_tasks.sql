-- Seed :n task rows into the original waldiez-runner's `tasks` table (alembic schema of 0.7.1).
-- psql variables: owner (internal client id = TaskResponse.client_id), n, status, tag.
-- Rows are marked with flow_id 'bench-<tag>-<i>' so cleanup.sql removes exactly them.
-- Prints the new ids (32 hex, like the original's ULID hex ids).
INSERT INTO tasks (id, client_id, flow_id, filename, status, results, input_timeout,
                   created_at, updated_at)
SELECT md5(:'tag' || '-' || g),
       :'owner',
       'bench-' || :'tag' || '-' || g,
       'seed-' || g || '.waldiez',
       CAST(:'status' AS task_status),
       CASE WHEN :'status' = 'COMPLETED' THEN '[{"content": "seeded"}]'::json END,
       180,
       now() - make_interval(secs => (:n - g)),
       now() - make_interval(secs => (:n - g))
FROM generate_series(1, :n) AS g
RETURNING id;
ANALYZE tasks;
