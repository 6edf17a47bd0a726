/**
 * No orphans (issue 20): a delete either takes what lives in the row with it (cascade) or is
 * refused while something still needs the row (no action), by the foreign keys themselves. Before,
 * deleting a thread left its agent runs, encoded intents, memory items and scope locks behind with
 * no thread (`set null`), which turned a thread's history into rows of nowhere.
 *
 * What lives in a thread dies with it: its runs, their encoded intents, backstage contexts and
 * scope locks, and the memory items drawn from it (as a dataspace's memory already dies with the
 * dataspace; the audit trail keeps what happened). An agent's proposal still refuses the deletion
 * of its run when the proposal lives elsewhere (memory law 7's provenance), now checked at the end of
 * the statement, so a thread whose own runs proposed its own memory can go as one. A workflow dies
 * with its dataspace, an object with the anchor it is placed against. Ledger and history records
 * (an allocation's budget, a state's transformation) refuse the deletion of what they name.
 *
 * `set null` is kept only where null is a state the row has anyway and the row lives elsewhere:
 * who wrote or created something (an identity may go, its words stay in the owner's thread), links
 * between siblings of one dataspace (a meeting's thread, a room's meeting or workspace, a decision's
 * message, a task's note or assignee, a message's run), "current"/"last" pointers (Nova's context,
 * an avatar's last room) and the catalog default (a thread's encoding profile). The catalog test
 * test/db/foreignKeyDeletes.test.ts lists each with its reason and fails on any other.
 */
alter table public.agent_executions
  drop constraint agent_executions_thread_id_identity_id_fkey,
  add constraint agent_executions_thread_id_identity_id_fkey foreign key (thread_id, identity_id)
    references public.threads (id, identity_id) on delete cascade,
  drop constraint agent_executions_encoded_intent_id_identity_id_fkey,
  add constraint agent_executions_encoded_intent_id_identity_id_fkey foreign key (encoded_intent_id, identity_id)
    references public.encoded_intents (id, identity_id) on delete no action;

alter table public.encoded_intents
  drop constraint encoded_intents_thread_id_identity_id_fkey,
  add constraint encoded_intents_thread_id_identity_id_fkey foreign key (thread_id, identity_id)
    references public.threads (id, identity_id) on delete cascade;

alter table public.backstage_contexts
  drop constraint backstage_contexts_execution_id_identity_id_fkey,
  add constraint backstage_contexts_execution_id_identity_id_fkey foreign key (execution_id, identity_id)
    references public.agent_executions (id, identity_id) on delete cascade,
  drop constraint backstage_contexts_oneclick_execution_id_identity_id_fkey,
  add constraint backstage_contexts_oneclick_execution_id_identity_id_fkey
    foreign key (oneclick_execution_id, identity_id)
    references public.oneclick_executions (id, identity_id) on delete cascade;

alter table public.scope_locks
  drop constraint scope_locks_thread_id_identity_id_fkey,
  add constraint scope_locks_thread_id_identity_id_fkey foreign key (thread_id, identity_id)
    references public.threads (id, identity_id) on delete cascade,
  drop constraint scope_locks_execution_id_identity_id_fkey,
  add constraint scope_locks_execution_id_identity_id_fkey foreign key (execution_id, identity_id)
    references public.agent_executions (id, identity_id) on delete cascade;

alter table public.memory_items
  drop constraint memory_items_thread_id_identity_id_fkey,
  add constraint memory_items_thread_id_identity_id_fkey foreign key (thread_id, identity_id)
    references public.threads (id, identity_id) on delete cascade,
  drop constraint memory_items_proposed_by_execution_id_fkey,
  add constraint memory_items_proposed_by_execution_id_fkey foreign key (proposed_by_execution_id, identity_id)
    references public.agent_executions (id, identity_id) on delete no action;

alter table public.oneclick_workflows
  drop constraint oneclick_workflows_dataspace_id_identity_id_fkey,
  add constraint oneclick_workflows_dataspace_id_identity_id_fkey foreign key (dataspace_id, identity_id)
    references public.dataspaces (id, identity_id) on delete cascade;

alter table public.spatial_objects
  drop constraint spatial_objects_anchor_id_identity_id_fkey,
  add constraint spatial_objects_anchor_id_identity_id_fkey foreign key (anchor_id, identity_id)
    references public.spatial_anchors (id, identity_id) on delete cascade;

alter table public.token_allocations
  drop constraint token_allocations_budget_id_identity_id_fkey,
  add constraint token_allocations_budget_id_identity_id_fkey foreign key (budget_id, identity_id)
    references public.token_budgets (id, identity_id) on delete no action;

alter table public.workspace_state_history
  drop constraint workspace_state_history_transformation_id_identity_id_fkey,
  add constraint workspace_state_history_transformation_id_identity_id_fkey
    foreign key (transformation_id, identity_id)
    references public.workspace_transformations (id, identity_id) on delete no action;
