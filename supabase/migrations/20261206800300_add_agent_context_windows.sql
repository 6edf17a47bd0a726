/**
 * A run's estimate fits the run to each candidate agent's model: the prompt to its context window
 * less the answer, the answer to `max_tokens` (the longest answer the agent writes), priced at
 * `cost_per_1k_tokens` (shared/pipeline/estimateCost.ts). `context_tokens` is the model's window.
 * The catalog's agents get theirs by id (migration 20261206800000): the built-in agents read at most
 * a thread's recent history, the external model is a Llama 3.1 8B (128k window).
 */
alter table public.agents add column context_tokens integer not null default 8192
  check (context_tokens between 512 and 10000000);

update public.agents set context_tokens = 32768
where id in ('c0000000-0000-4000-8000-022000000001', 'c0000000-0000-4000-8000-022000000002',
             'c0000000-0000-4000-8000-022000000003', 'c0000000-0000-4000-8000-022000000004');
update public.agents set context_tokens = 131072 where id = 'c0000000-0000-4000-8000-022000000005';
-- an agent added by an operator before this column existed keeps room for its answer
update public.agents set context_tokens = max_tokens * 2 where max_tokens >= context_tokens;
alter table public.agents add constraint agents_answer_fits_context check (max_tokens < context_tokens);
