-- Recurring jobs record each tick they run. Every instance's scheduler fires the same ticks; the first to insert
-- (job, tick_at) runs it and the others skip (INSERT … ON CONFLICT DO NOTHING), so a tick runs once between them.
-- A failed run deletes its row so the tick may be retried; each job prunes its own old rows.

CREATE TABLE scheduled_job_runs (
    job varchar(100) NOT NULL,
    tick_at timestamptz NOT NULL,
    claimed_by varchar(100) NOT NULL,
    claimed_at timestamptz NOT NULL,
    finished_at timestamptz,
    CONSTRAINT pk_scheduled_job_runs PRIMARY KEY (job, tick_at)
);
