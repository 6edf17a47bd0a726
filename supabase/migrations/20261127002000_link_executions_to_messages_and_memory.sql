/**
 * Messages written by an agent run and memory items an agent proposed point back at that run
 * (memory law 7's provenance). Composite keys keep the pointer inside the row's own identity; the
 * run's deletion clears a message's pointer, and is refused while a proposal it made still exists.
 */
alter table public.messages
  add constraint messages_agent_execution_id_fkey foreign key (agent_execution_id, identity_id)
  references public.agent_executions (id, identity_id) on delete set null (agent_execution_id);
create index messages_agent_execution_id_idx on public.messages (agent_execution_id, identity_id);

alter table public.memory_items
  add constraint memory_items_proposed_by_execution_id_fkey foreign key (proposed_by_execution_id, identity_id)
  references public.agent_executions (id, identity_id) on delete restrict;
create index memory_items_proposed_by_execution_id_idx on public.memory_items (proposed_by_execution_id, identity_id);
