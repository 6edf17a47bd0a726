/**
 * A thread's runs are listed newest first, a page at a time (`GET /agents/executions?thread_id=`,
 * keyset on `(created_at, id)`): this index serves that order without sorting every run of the
 * thread. The `(thread_id, identity_id)` index stays for the composite foreign key.
 */
create index agent_executions_thread_created_idx
  on public.agent_executions (thread_id, created_at desc, id desc)
  where thread_id is not null;
