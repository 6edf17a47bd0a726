-- Governance seed: for the identities of seed.sql, their subscriptions, a consistent token ledger,
-- agent runs, workflows, Nova, bureaus, API keys, scope locks and idempotency keys. Data only; runs
-- after seed.sql and 20_domain.sql. The catalogs these rows name (encoding profiles and rules,
-- agents and their compatibility matrix, plans) ship in migration 20261130080000_insert_catalogs.sql.
-- Ids: '<owner>000000-0000-4000-8000-02TT0000000N' (owner a1 a2 b1 b2 = identities, a0 b0 = users,
-- c0 = catalog rows of the migrations and system rows), TT per table:
--   10 encoding_profiles  11 encoding_rules  12 encoded_intents
--   20 agents  21 agent_compatibility_matrix  22 agent_executions
--   30 token_accounts  31 token_movements  32 token_transactions  33 token_reservations
--   34 token_budgets  35 token_allocations
--   40 oneclick_workflows  41 workflow_steps  42 oneclick_executions  43 backstage_contexts
--   50 nova_contexts  51 nova_guidance_history  52 bureau_configurations
--   60 subscription_plans  61 user_subscriptions  62 plan_grants  63 api_keys
--   70 scope_locks  71 idempotency_keys
-- identity_id (and user_id) are explicit: there is no auth context while seeding.
--
-- The ledger tells one story, and every movement's balance postings sum to zero:
--   alice (pro) grants 1 000 000 to A1, bob (starter) 100 000 to B1, both from the mint;
--   A1 moves 200 000 to A2, B1 moves 20 000 to B2;
--   A1 runs the summarizer on its thread: reserve 2 000, commit 1 200 to the provider, release the rest;
--   B1 runs the task extractor: 1 500 reserved, still running.
-- Final balances: mint -1 100 000, provider 1 200, A1 798 800, A2 200 000, B1 80 000 (1 500 reserved),
-- B2 20 000; they sum to zero.

-- subscriptions -----------------------------------------------------------------------------------
insert into public.user_subscriptions
  (id, user_id, plan_id, identity_id, status, current_period_start, current_period_end)
values
  ('a0000000-0000-4000-8000-026100000001', 'a0000000-0000-4000-8000-000000000000',
   'c0000000-0000-4000-8000-026000000003', 'a1000000-0000-4000-8000-000000000000', 'active',
   pg_temp.seed_month_start(0), pg_temp.seed_month_start(1)),
  ('b0000000-0000-4000-8000-026100000001', 'b0000000-0000-4000-8000-000000000000',
   'c0000000-0000-4000-8000-026000000002', 'b1000000-0000-4000-8000-000000000000', 'active',
   pg_temp.seed_month_start(0), pg_temp.seed_month_start(1));

-- token ledger ------------------------------------------------------------------------------------
insert into public.token_accounts
  (id, kind, identity_id, user_id, balance, reserved, lifetime_earned, lifetime_spent)
values
  ('c0000000-0000-4000-8000-023000000001', 'system_mint', null, null, -1100000, 0, 0, 1100000),
  ('c0000000-0000-4000-8000-023000000002', 'system_provider', null, null, 1200, 0, 1200, 0),
  ('a1000000-0000-4000-8000-023000000001', 'identity', 'a1000000-0000-4000-8000-000000000000',
   'a0000000-0000-4000-8000-000000000000', 798800, 0, 1000000, 201200),
  ('a2000000-0000-4000-8000-023000000001', 'identity', 'a2000000-0000-4000-8000-000000000000',
   'a0000000-0000-4000-8000-000000000000', 200000, 0, 200000, 0),
  ('b1000000-0000-4000-8000-023000000001', 'identity', 'b1000000-0000-4000-8000-000000000000',
   'b0000000-0000-4000-8000-000000000000', 80000, 1500, 100000, 20000),
  ('b2000000-0000-4000-8000-023000000001', 'identity', 'b2000000-0000-4000-8000-000000000000',
   'b0000000-0000-4000-8000-000000000000', 20000, 0, 20000, 0);

insert into public.token_movements
  (id, identity_id, kind, idempotency_key, request_hash, reference_type, reference_id, memo, created_at)
select id::uuid, identity_id::uuid, kind, key, encode(sha256(convert_to(key, 'UTF8')), 'hex'),
       reference_type, reference_id::uuid, memo, created_at::timestamptz
from (values
  ('a1000000-0000-4000-8000-023100000001', 'a1000000-0000-4000-8000-000000000000', 'plan_grant',
   'plan_grant:a0000000-0000-4000-8000-026100000001:' || pg_temp.seed_month(0), 'plan', 'a1000000-0000-4000-8000-026200000001',
   'Pro plan, ' || to_char(pg_temp.seed_month(0), 'FMMonth YYYY'), pg_temp.seed_this_month(0, '5 minutes')),
  ('b1000000-0000-4000-8000-023100000001', 'b1000000-0000-4000-8000-000000000000', 'plan_grant',
   'plan_grant:b0000000-0000-4000-8000-026100000001:' || pg_temp.seed_month(0), 'plan', 'b1000000-0000-4000-8000-026200000001',
   'Starter plan, ' || to_char(pg_temp.seed_month(0), 'FMMonth YYYY'), pg_temp.seed_this_month(0, '5 minutes')),
  ('a1000000-0000-4000-8000-023100000002', 'a1000000-0000-4000-8000-000000000000', 'transfer',
   'transfer:a1-to-a2:0001', 'manual', null,
   'Alice funds her business identity', pg_temp.seed_this_month(0.05)),
  ('b1000000-0000-4000-8000-023100000002', 'b1000000-0000-4000-8000-000000000000', 'transfer',
   'transfer:b1-to-b2:0001', 'manual', null,
   'Bob funds his business identity', pg_temp.seed_this_month(0.05)),
  ('a1000000-0000-4000-8000-023100000003', 'a1000000-0000-4000-8000-000000000000', 'reserve',
   'exec-a1-summarize-0001:reserve', 'agent_execution', 'a1000000-0000-4000-8000-022200000001',
   'Summarise the cabinet thread', pg_temp.seed_this_month(0.9, '3 seconds')),
  ('a1000000-0000-4000-8000-023100000004', 'a1000000-0000-4000-8000-000000000000', 'commit',
   'exec-a1-summarize-0001:commit', 'agent_execution', 'a1000000-0000-4000-8000-022200000001',
   'Summarise the cabinet thread: 1 200 used of 2 000', pg_temp.seed_this_month(0.9, '42 seconds')),
  ('b1000000-0000-4000-8000-023100000003', 'b1000000-0000-4000-8000-000000000000', 'reserve',
   'exec-b1-extract-0001:reserve', 'agent_execution', 'b1000000-0000-4000-8000-022200000001',
   'Extract tasks for the Percé trip', pg_temp.seed_running('3 seconds'))
) m(id, identity_id, kind, key, reference_type, reference_id, memo, created_at);

-- postings in ledger order (entry_no follows this order)
insert into public.token_transactions
  (id, movement_id, account_id, identity_id, type, amount, balance_after, reserved_after,
   reference_type, reference_id, created_at)
select id::uuid, movement_id::uuid, account_id::uuid, identity_id::uuid, type, amount, balance_after,
       reserved_after, reference_type, reference_id::uuid, created_at::timestamptz
from (values
  -- A1's plan grant: the mint issues 1 000 000
  ('c0000000-0000-4000-8000-023200000001', 'a1000000-0000-4000-8000-023100000001',
   'c0000000-0000-4000-8000-023000000001', null, 'debit', -1000000, -1000000, 0,
   'plan', 'a1000000-0000-4000-8000-026200000001', pg_temp.seed_this_month(0, '5 minutes')),
  ('a1000000-0000-4000-8000-023200000001', 'a1000000-0000-4000-8000-023100000001',
   'a1000000-0000-4000-8000-023000000001', 'a1000000-0000-4000-8000-000000000000', 'credit', 1000000, 1000000, 0,
   'plan', 'a1000000-0000-4000-8000-026200000001', pg_temp.seed_this_month(0, '5 minutes')),
  -- B1's plan grant: 100 000
  ('c0000000-0000-4000-8000-023200000002', 'b1000000-0000-4000-8000-023100000001',
   'c0000000-0000-4000-8000-023000000001', null, 'debit', -100000, -1100000, 0,
   'plan', 'b1000000-0000-4000-8000-026200000001', pg_temp.seed_this_month(0, '5 minutes')),
  ('b1000000-0000-4000-8000-023200000001', 'b1000000-0000-4000-8000-023100000001',
   'b1000000-0000-4000-8000-023000000001', 'b1000000-0000-4000-8000-000000000000', 'credit', 100000, 100000, 0,
   'plan', 'b1000000-0000-4000-8000-026200000001', pg_temp.seed_this_month(0, '5 minutes')),
  -- A1 -> A2: 200 000
  ('a1000000-0000-4000-8000-023200000002', 'a1000000-0000-4000-8000-023100000002',
   'a1000000-0000-4000-8000-023000000001', 'a1000000-0000-4000-8000-000000000000', 'transfer', -200000, 800000, 0,
   'manual', null, pg_temp.seed_this_month(0.05)),
  ('a2000000-0000-4000-8000-023200000001', 'a1000000-0000-4000-8000-023100000002',
   'a2000000-0000-4000-8000-023000000001', 'a2000000-0000-4000-8000-000000000000', 'transfer', 200000, 200000, 0,
   'manual', null, pg_temp.seed_this_month(0.05)),
  -- B1 -> B2: 20 000
  ('b1000000-0000-4000-8000-023200000002', 'b1000000-0000-4000-8000-023100000002',
   'b1000000-0000-4000-8000-023000000001', 'b1000000-0000-4000-8000-000000000000', 'transfer', -20000, 80000, 0,
   'manual', null, pg_temp.seed_this_month(0.05)),
  ('b2000000-0000-4000-8000-023200000001', 'b1000000-0000-4000-8000-023100000002',
   'b2000000-0000-4000-8000-023000000001', 'b2000000-0000-4000-8000-000000000000', 'transfer', 20000, 20000, 0,
   'manual', null, pg_temp.seed_this_month(0.05)),
  -- A1's summarizer run: hold 2 000, then release the hold, pay 1 200 to the provider
  ('a1000000-0000-4000-8000-023200000003', 'a1000000-0000-4000-8000-023100000003',
   'a1000000-0000-4000-8000-023000000001', 'a1000000-0000-4000-8000-000000000000', 'reserve', 2000, 800000, 2000,
   'agent_execution', 'a1000000-0000-4000-8000-022200000001', pg_temp.seed_this_month(0.9, '3 seconds')),
  ('a1000000-0000-4000-8000-023200000004', 'a1000000-0000-4000-8000-023100000004',
   'a1000000-0000-4000-8000-023000000001', 'a1000000-0000-4000-8000-000000000000', 'release', -2000, 800000, 0,
   'agent_execution', 'a1000000-0000-4000-8000-022200000001', pg_temp.seed_this_month(0.9, '42 seconds')),
  ('a1000000-0000-4000-8000-023200000005', 'a1000000-0000-4000-8000-023100000004',
   'a1000000-0000-4000-8000-023000000001', 'a1000000-0000-4000-8000-000000000000', 'debit', -1200, 798800, 0,
   'agent_execution', 'a1000000-0000-4000-8000-022200000001', pg_temp.seed_this_month(0.9, '42 seconds')),
  ('c0000000-0000-4000-8000-023200000003', 'a1000000-0000-4000-8000-023100000004',
   'c0000000-0000-4000-8000-023000000002', null, 'credit', 1200, 1200, 0,
   'agent_execution', 'a1000000-0000-4000-8000-022200000001', pg_temp.seed_this_month(0.9, '42 seconds')),
  -- B1's task extraction: hold 1 500, still running
  ('b1000000-0000-4000-8000-023200000003', 'b1000000-0000-4000-8000-023100000003',
   'b1000000-0000-4000-8000-023000000001', 'b1000000-0000-4000-8000-000000000000', 'reserve', 1500, 80000, 1500,
   'agent_execution', 'b1000000-0000-4000-8000-022200000001', pg_temp.seed_running('3 seconds'))
) p(id, movement_id, account_id, identity_id, type, amount, balance_after, reserved_after,
    reference_type, reference_id, created_at);

insert into public.plan_grants (id, identity_id, subscription_id, plan_id, period_start, movement_id, tokens) values
  ('a1000000-0000-4000-8000-026200000001', 'a1000000-0000-4000-8000-000000000000',
   'a0000000-0000-4000-8000-026100000001', 'c0000000-0000-4000-8000-026000000003', pg_temp.seed_month(0),
   'a1000000-0000-4000-8000-023100000001', 1000000),
  ('b1000000-0000-4000-8000-026200000001', 'b1000000-0000-4000-8000-000000000000',
   'b0000000-0000-4000-8000-026100000001', 'c0000000-0000-4000-8000-026000000002', pg_temp.seed_month(0),
   'b1000000-0000-4000-8000-023100000001', 100000);

insert into public.token_budgets
  (id, identity_id, scope_type, scope_id, period, amount, spent, reserved, period_start, period_end)
values
  -- A1: 50 000 a month on the kitchen dataspace, and the 5 000 of its thread's project budget
  ('a1000000-0000-4000-8000-023400000001', 'a1000000-0000-4000-8000-000000000000', 'dataspace',
   'a1000000-0000-4000-8000-000300000001', 'monthly', 50000, 1200, 0, pg_temp.seed_month_start(0), null),
  ('a1000000-0000-4000-8000-023400000002', 'a1000000-0000-4000-8000-000000000000', 'thread',
   'a1000000-0000-4000-8000-000400000001', 'project', 5000, 1200, 0, pg_temp.seed_month_start(0),
   pg_temp.seed_month_start(3) - interval '1 second'),
  -- B1: 60 000 a month overall and 10 000 on the trip dataspace; 1 500 held by the running extraction
  ('b1000000-0000-4000-8000-023400000001', 'b1000000-0000-4000-8000-000000000000', 'identity',
   'b1000000-0000-4000-8000-000000000000', 'monthly', 60000, 0, 1500, pg_temp.seed_month_start(0), null),
  ('b1000000-0000-4000-8000-023400000002', 'b1000000-0000-4000-8000-000000000000', 'dataspace',
   'b1000000-0000-4000-8000-000300000001', 'monthly', 10000, 0, 1500, pg_temp.seed_month_start(0), null);

insert into public.token_allocations
  (id, identity_id, from_account_id, to_scope_type, to_scope_id, amount, movement_id, budget_id, created_at)
values
  ('a1000000-0000-4000-8000-023500000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-023000000001', 'thread', 'a1000000-0000-4000-8000-000400000001', 5000, null,
   'a1000000-0000-4000-8000-023400000002', pg_temp.seed_this_month(0.08)),
  ('b1000000-0000-4000-8000-023500000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-023000000001', 'dataspace', 'b1000000-0000-4000-8000-000300000001', 5000, null,
   'b1000000-0000-4000-8000-023400000002', pg_temp.seed_this_month(0.08));

-- encoded intents and agent runs ------------------------------------------------------------------
insert into public.encoded_intents
  (id, identity_id, thread_id, profile_id, original_text, encoded, eqs, tokens_original, tokens_encoded, created_at)
values
  ('a1000000-0000-4000-8000-021200000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-000400000001', 'c0000000-0000-4000-8000-021000000001',
   'Peux-tu résumer le fil sur les armoires, en liste à puces s''il te plaît ?',
   '{"action": "summarize_thread", "object": {"type": "thread", "id": "a1000000-0000-4000-8000-000400000001"},
     "scope": {"dataspace_id": "a1000000-0000-4000-8000-000300000001"}, "constraints": {},
     "output_format": "list", "language": "fr"}',
   86, 21, 9, pg_temp.seed_this_month(0.9, '1 second')),
  ('b1000000-0000-4000-8000-021200000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-000400000001', 'c0000000-0000-4000-8000-021000000002',
   'Fais-moi la liste des choses à réserver pour Percé',
   '{"action": "extract_tasks", "object": {"type": "thread", "id": "b1000000-0000-4000-8000-000400000001"},
     "scope": {"dataspace_id": "b1000000-0000-4000-8000-000300000001"}, "constraints": {"topic": "réservations"},
     "output_format": "list", "language": "fr"}',
   81, 14, 8, pg_temp.seed_running('1 second'));

insert into public.agent_executions
  (id, identity_id, user_id, agent_id, thread_id, dataspace_id, status, intent_text, task_type,
   encoded_intent_id, stages, tokens_estimated, tokens_reserved, tokens_used, reservation_id,
   idempotency_key, result, error, started_at, finished_at, created_at)
values
  ('a1000000-0000-4000-8000-022200000001', 'a1000000-0000-4000-8000-000000000000',
   'a0000000-0000-4000-8000-000000000000', 'c0000000-0000-4000-8000-022000000001',
   'a1000000-0000-4000-8000-000400000001', 'a1000000-0000-4000-8000-000300000001', 'succeeded',
   'Peux-tu résumer le fil sur les armoires, en liste à puces s''il te plaît ?', 'summarize_thread',
   'a1000000-0000-4000-8000-021200000001',
   '[{"stage": "encoding", "ms": 41}, {"stage": "validating", "ms": 6}, {"stage": "estimating", "ms": 4},
     {"stage": "reserved", "ms": 9}, {"stage": "locked", "ms": 5}, {"stage": "matched", "ms": 3},
     {"stage": "running", "ms": 36800}, {"stage": "assembling", "ms": 120}, {"stage": "settling", "ms": 14}]',
   2000, 2000, 1200, 'a1000000-0000-4000-8000-023300000001', 'exec-a1-summarize-0001',
   '{"format": "list", "summary": ["Armoires en merisier, finition naturelle", "Devis de l''ébéniste : 14 500 $ installées", "Décision avant le 15 : merisier ou érable"]}',
   null, pg_temp.seed_this_month(0.9), pg_temp.seed_this_month(0.9, '42 seconds'),
   pg_temp.seed_this_month(0.9)),
  ('b1000000-0000-4000-8000-022200000001', 'b1000000-0000-4000-8000-000000000000',
   'b0000000-0000-4000-8000-000000000000', 'c0000000-0000-4000-8000-022000000002',
   'b1000000-0000-4000-8000-000400000001', 'b1000000-0000-4000-8000-000300000001', 'running',
   'Fais-moi la liste des choses à réserver pour Percé', 'extract_tasks',
   'b1000000-0000-4000-8000-021200000001',
   '[{"stage": "encoding", "ms": 38}, {"stage": "validating", "ms": 5}, {"stage": "estimating", "ms": 4},
     {"stage": "reserved", "ms": 8}, {"stage": "locked", "ms": 4}, {"stage": "matched", "ms": 3}]',
   1500, 1500, 0, 'b1000000-0000-4000-8000-023300000001', 'exec-b1-extract-0001',
   null, null, pg_temp.seed_running('0 seconds'), null, pg_temp.seed_running('0 seconds'));

insert into public.token_reservations
  (id, identity_id, account_id, movement_id, amount, committed_amount, status, expires_at, resolved_at,
   reference_type, reference_id, idempotency_key, budget_scopes, created_at)
values
  ('a1000000-0000-4000-8000-023300000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-023000000001', 'a1000000-0000-4000-8000-023100000003', 2000, 1200, 'committed',
   pg_temp.seed_this_month(0.9, '15 minutes 3 seconds'), pg_temp.seed_this_month(0.9, '42 seconds'),
   'agent_execution', 'a1000000-0000-4000-8000-022200000001', 'exec-a1-summarize-0001',
   '{"dataspace": "a1000000-0000-4000-8000-000300000001", "thread": "a1000000-0000-4000-8000-000400000001",
     "budget_ids": ["a1000000-0000-4000-8000-023400000001", "a1000000-0000-4000-8000-023400000002"]}',
   pg_temp.seed_this_month(0.9, '3 seconds')),
  ('b1000000-0000-4000-8000-023300000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-023000000001', 'b1000000-0000-4000-8000-023100000003', 1500, 0, 'open',
   pg_temp.seed_now() + interval '13 minutes', null,
   'agent_execution', 'b1000000-0000-4000-8000-022200000001', 'exec-b1-extract-0001',
   '{"identity": "b1000000-0000-4000-8000-000000000000", "dataspace": "b1000000-0000-4000-8000-000300000001",
     "budget_ids": ["b1000000-0000-4000-8000-023400000001", "b1000000-0000-4000-8000-023400000002"]}',
   pg_temp.seed_running('3 seconds'));

insert into public.scope_locks
  (id, identity_id, execution_id, thread_id, dataspace_ids, thread_ids, memory_item_ids, locked_at, released_at)
values
  ('a1000000-0000-4000-8000-027000000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-022200000001', 'a1000000-0000-4000-8000-000400000001',
   array['a1000000-0000-4000-8000-000300000001']::uuid[], array['a1000000-0000-4000-8000-000400000001']::uuid[],
   array['a1000000-0000-4000-8000-000c00000001', 'a1000000-0000-4000-8000-000c00000002']::uuid[],
   pg_temp.seed_this_month(0.9, '4 seconds'), pg_temp.seed_this_month(0.9, '42 seconds')),
  ('b1000000-0000-4000-8000-027000000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-022200000001', 'b1000000-0000-4000-8000-000400000001',
   array['b1000000-0000-4000-8000-000300000001']::uuid[], array['b1000000-0000-4000-8000-000400000001']::uuid[],
   array['b1000000-0000-4000-8000-000c00000001']::uuid[],
   pg_temp.seed_running('4 seconds'), null);

insert into public.backstage_contexts
  (id, identity_id, user_id, execution_id, oneclick_execution_id, dataspace_id, context, memory_item_ids, created_at)
values
  ('a1000000-0000-4000-8000-024300000001', 'a1000000-0000-4000-8000-000000000000',
   'a0000000-0000-4000-8000-000000000000', 'a1000000-0000-4000-8000-022200000001', null,
   'a1000000-0000-4000-8000-000300000001',
   '{"thread": {"id": "a1000000-0000-4000-8000-000400000001", "title": "Choix des armoires", "messages": 3},
     "decisions": 1, "memory_items": 2}',
   array['a1000000-0000-4000-8000-000c00000001', 'a1000000-0000-4000-8000-000c00000002']::uuid[],
   pg_temp.seed_this_month(0.9, '5 seconds')),
  ('b1000000-0000-4000-8000-024300000001', 'b1000000-0000-4000-8000-000000000000',
   'b0000000-0000-4000-8000-000000000000', 'b1000000-0000-4000-8000-022200000001', null,
   'b1000000-0000-4000-8000-000300000001',
   '{"thread": {"id": "b1000000-0000-4000-8000-000400000001", "title": "Hébergement à Percé", "messages": 1},
     "decisions": 1, "memory_items": 1}',
   array['b1000000-0000-4000-8000-000c00000001']::uuid[],
   pg_temp.seed_running('5 seconds'));

insert into public.idempotency_keys (id, identity_id, key, request_hash, response, status_code, created_at, expires_at)
values
  ('a1000000-0000-4000-8000-027100000001', 'a1000000-0000-4000-8000-000000000000', 'exec-a1-summarize-0001',
   encode(sha256(convert_to('POST /agents/c0000000-0000-4000-8000-022000000001/execute exec-a1-summarize-0001', 'UTF8')), 'hex'),
   '{"execution_id": "a1000000-0000-4000-8000-022200000001", "status": "succeeded"}', 200,
   pg_temp.seed_this_month(0.9), pg_temp.seed_this_month(0.9, '1 day')),
  ('b1000000-0000-4000-8000-027100000001', 'b1000000-0000-4000-8000-000000000000', 'exec-b1-extract-0001',
   encode(sha256(convert_to('POST /agents/c0000000-0000-4000-8000-022000000002/execute exec-b1-extract-0001', 'UTF8')), 'hex'),
   null, null, pg_temp.seed_running('0 seconds'), pg_temp.seed_now() + interval '1 day');

-- 1-Click workflows -------------------------------------------------------------------------------
insert into public.oneclick_workflows (id, identity_id, dataspace_id, name, description, trigger, trigger_config) values
  ('a1000000-0000-4000-8000-024000000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-000300000001', 'Revue hebdomadaire du projet',
   'Résume le fil du projet, en extrait les tâches et me les envoie.', 'schedule',
   '{"cron": "0 8 * * 1", "time_zone": "America/Montreal"}'),
  ('b1000000-0000-4000-8000-024000000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-000300000001', 'Préparer le voyage',
   'Extrait les réservations à faire et me les rappelle.', 'intent',
   '{"phrases": ["prépare le voyage", "qu''est-ce qu''il reste à réserver"]}');

insert into public.workflow_steps
  (id, identity_id, workflow_id, position, name, step_type, agent_id, task_type, input_mapping, output_mapping,
   conditions, timeout_ms, optional)
values
  ('a1000000-0000-4000-8000-024100000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-024000000001', 1, 'Résumer le fil', 'agent', 'c0000000-0000-4000-8000-022000000001',
   'summarize_thread', '{"thread_id": "$.workflow.thread_id"}', '{"summary": "$.result.summary"}', '{}', 60000, false),
  ('a1000000-0000-4000-8000-024100000002', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-024000000001', 2, 'Extraire les tâches', 'agent', null,
   'extract_tasks', '{"text": "$.steps.1.summary"}', '{"tasks": "$.result.tasks"}', '{}', 60000, false),
  ('a1000000-0000-4000-8000-024100000003', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-024000000001', 3, 'M''avertir', 'notify', null,
   null, '{"body": "$.steps.2.tasks"}', '{}', '{"if": "$.steps.2.tasks.length > 0"}', 5000, true),
  ('b1000000-0000-4000-8000-024100000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-024000000001', 1, 'Extraire les réservations', 'agent', 'c0000000-0000-4000-8000-022000000002',
   'extract_tasks', '{"thread_id": "$.workflow.thread_id"}', '{"tasks": "$.result.tasks"}', '{}', 60000, false),
  ('b1000000-0000-4000-8000-024100000002', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-024000000001', 2, 'Me le rappeler', 'notify', null,
   null, '{"body": "$.steps.1.tasks"}', '{}', '{}', 5000, true);

-- neither run spent tokens: A1's is queued, B1's was refused before any reservation
insert into public.oneclick_executions
  (id, identity_id, workflow_id, user_id, status, reservation_id, tokens_reserved, tokens_used, step_results,
   error, idempotency_key, started_at, finished_at, created_at)
values
  ('a1000000-0000-4000-8000-024200000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-024000000001', 'a0000000-0000-4000-8000-000000000000', 'pending', null, 0, 0, '[]',
   null, 'oneclick-a1-weekly-' || pg_temp.seed_next_monday(), null, null, pg_temp.seed_at(-1, '08:00')),
  ('b1000000-0000-4000-8000-024200000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-024000000001', 'b0000000-0000-4000-8000-000000000000', 'refused', null, 0, 0, '[]',
   '{"code": "budget_exceeded", "message": "Le budget du voyage ne couvre pas l''estimation (2 400 jetons)."}',
   'oneclick-b1-trip-0001', null, pg_temp.seed_at(-10, '18:30:01'), pg_temp.seed_at(-10, '18:30'));

-- Nova and bureaus --------------------------------------------------------------------------------
insert into public.nova_contexts
  (id, identity_id, user_id, session_id, current_sphere_id, current_dataspace_id, context_state, active_suggestions)
values
  ('a1000000-0000-4000-8000-025000000001', 'a1000000-0000-4000-8000-000000000000',
   'a0000000-0000-4000-8000-000000000000', 'seed-session-a1',
   'a1000000-0000-4000-8000-000100000001', 'a1000000-0000-4000-8000-000300000001',
   '{"bureau_section": "threads", "last_thread_id": "a1000000-0000-4000-8000-000400000001"}',
   '[{"kind": "pending_decision", "thread_id": "a1000000-0000-4000-8000-000400000001",
      "text": "Une décision est attendue avant le 15 : merisier ou érable ?"}]'),
  ('b1000000-0000-4000-8000-025000000001', 'b1000000-0000-4000-8000-000000000000',
   'b0000000-0000-4000-8000-000000000000', 'seed-session-b1',
   'b1000000-0000-4000-8000-000100000001', 'b1000000-0000-4000-8000-000300000001',
   '{"bureau_section": "dashboard"}', '[]');

insert into public.nova_guidance_history (id, identity_id, context_id, suggestion, action, created_at) values
  ('a1000000-0000-4000-8000-025100000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-025000000001',
   '{"kind": "summarize_thread", "thread_id": "a1000000-0000-4000-8000-000400000001", "text": "Résumer ce fil ?"}',
   'shown', pg_temp.seed_this_month(0.9, '-30 seconds')),
  ('a1000000-0000-4000-8000-025100000002', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-025000000001',
   '{"kind": "summarize_thread", "thread_id": "a1000000-0000-4000-8000-000400000001", "text": "Résumer ce fil ?"}',
   'accepted', pg_temp.seed_this_month(0.9, '-2 seconds')),
  ('b1000000-0000-4000-8000-025100000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-025000000001',
   '{"kind": "create_workflow", "text": "Automatiser la préparation du voyage ?"}',
   'dismissed', pg_temp.seed_at(-10, '18:00'));

insert into public.bureau_configurations
  (id, identity_id, sphere_id, section_order, visible_sections, default_section, layout_preferences)
values
  ('a1000000-0000-4000-8000-025200000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-000100000001',
   array['threads', 'dashboard', 'tasks', 'notes', 'projects', 'meetings'],
   array['threads', 'dashboard', 'tasks', 'notes', 'projects', 'meetings'], 'threads',
   '{"density": "comfortable", "pinned_thread_ids": ["a1000000-0000-4000-8000-000400000001"]}'),
  ('a2000000-0000-4000-8000-025200000001', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-000100000001',
   array['dashboard', 'projects', 'tasks', 'meetings', 'threads', 'notes'],
   array['dashboard', 'projects', 'tasks', 'meetings', 'threads'], 'dashboard', '{}'),
  ('b1000000-0000-4000-8000-025200000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-000100000001',
   array['dashboard', 'notes', 'tasks', 'projects', 'threads', 'meetings'],
   array['dashboard', 'notes', 'tasks', 'threads'], 'dashboard', '{"density": "compact"}'),
  ('b2000000-0000-4000-8000-025200000001', 'b2000000-0000-4000-8000-000000000000',
   'b2000000-0000-4000-8000-000100000001',
   array['projects', 'dashboard', 'tasks', 'meetings', 'threads', 'notes'],
   array['projects', 'dashboard', 'tasks', 'meetings', 'threads', 'notes'], 'projects', '{}');

-- API keys (only hashes are stored; the demo keys are '<prefix>.demo-secret-<a1|b1>') ----------------
insert into public.api_keys
  (id, identity_id, user_id, name, prefix, key_hash, permissions, expires_at, last_used_at, revoked_at, created_at)
values
  ('a1000000-0000-4000-8000-026300000001', 'a1000000-0000-4000-8000-000000000000',
   'a0000000-0000-4000-8000-000000000000', 'Sauvegarde nocturne', 'chenu_a1demo01',
   encode(sha256(convert_to('chenu_a1demo01.demo-secret-a1', 'UTF8')), 'hex'),
   array['threads:read', 'memory:read'], pg_temp.seed_month_start(12),
   pg_temp.seed_at(-1, '03:00'), null, pg_temp.seed_at(-35, '12:00')),
  ('b1000000-0000-4000-8000-026300000001', 'b1000000-0000-4000-8000-000000000000',
   'b0000000-0000-4000-8000-000000000000', 'Intégration calendrier', 'chenu_b1demo01',
   encode(sha256(convert_to('chenu_b1demo01.demo-secret-b1', 'UTF8')), 'hex'),
   array['meetings:read', 'meetings:write'], null, null, null, pg_temp.seed_at(-31, '12:00')),
  ('b1000000-0000-4000-8000-026300000002', 'b1000000-0000-4000-8000-000000000000',
   'b0000000-0000-4000-8000-000000000000', 'Ancien script', 'chenu_b1demo02',
   encode(sha256(convert_to('chenu_b1demo02.demo-secret-b1', 'UTF8')), 'hex'),
   array['threads:read'], null, pg_temp.seed_at(-26, '09:00'), pg_temp.seed_at(-24, '09:00'),
   pg_temp.seed_at(-34, '12:00'));

-- the thread's consumption matches the summarizer run settled above
update public.threads set tokens_consumed = 1200 where id = 'a1000000-0000-4000-8000-000400000001';

-- the summarizer's hold was settled once, as the ledger's commit records it (the ledger invariants
-- check that every resolved reservation was settled exactly once)
select private.audit('a1000000-0000-4000-8000-000000000000', 'ledger.commit', 'token_reservation',
                     'a1000000-0000-4000-8000-023300000001',
                     '{"amount": 2000, "actual": 1200, "movement_id": "a1000000-0000-4000-8000-023100000004", "status": "committed"}'::jsonb);
