-- Seed :n task rows into this project's `tasks` table (api-server Flyway V2__tasks.sql).
-- psql variables: owner (internal client id = TaskResponse.client_id), n, status, tag.
-- Rows are marked with flow_id 'bench-<tag>-<i>' so cleanup.sql removes exactly them.
-- launcher stays NULL so no supervisor treats the rows as its own runs.
-- Prints the new ids (32 hex).
INSERT INTO tasks (id, client_id, flow_id, filename, status, results, input_timeout,
                   created_at, updated_at)
SELECT md5(:'tag' || '-' || g),
       :'owner',
       'bench-' || :'tag' || '-' || g,
       'seed-' || g || '.waldiez',
       CAST(:'status' AS task_status),
       CASE WHEN :'status' = 'COMPLETED' THEN '[{"content": "seeded"}]'::jsonb END,
       180,
       now() - make_interval(secs => (:n - g)),
       now() - make_interval(secs => (:n - g))
FROM generate_series(1, :n) AS g
RETURNING id;
ANALYZE tasks;
