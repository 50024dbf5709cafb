-- Background workers (sweepers, lifters) run in every API process but must run in one at a time: the process
-- holding a worker's lease runs it and renews the lease each run; another takes over once the lease expires
-- (the holder died) or is released (the holder stopped). Times are the database's clock, never a process's.
CREATE TABLE worker_leases (
  name text PRIMARY KEY,
  holder text NOT NULL,
  acquired_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
