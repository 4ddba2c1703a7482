-- Remove the rows seed_tasks.sql inserted with this :tag (dependent rows cascade).
DELETE FROM tasks WHERE flow_id LIKE 'bench-' || :'tag' || '-%';
