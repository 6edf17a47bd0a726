/**
 * A thread's agent runs are part of the thread (issue 16: the thread room shows them with their
 * status), so whoever may read the thread may read its runs. Members from viewer up already could
 * (the dataspace branch of the policy); a meeting seat reads the messages and decisions of its
 * meeting's thread (`private.invited_thread_ids(1)`) but not the runs written there. The rule is
 * given its thread expression, and `private.apply_share_rls` rebuilds the select policy from the
 * base policy it recorded, adding the seats' branch. Writes stay the pipeline's only.
 */
select private.apply_share_rls('public.agent_executions', 'dataspace_id', 1, null, null, null,
                               p_thread => 'thread_id');
