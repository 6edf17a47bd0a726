/**
 * The catalogs a governed run needs, shipped as data of the schema rather than of the demo seed:
 * `supabase db push` applies migrations only, so a hosted project migrated without the seed must
 * still find the encoding profiles and their rules, the agents and their compatibility matrix, and
 * the subscription plans. Rows keep the stable ids the seed gave them (`c0000000-…-02TT…`, TT = 10
 * profiles, 11 rules, 20 agents, 21 matrix, 60 plans), so the demo seed, tests and clients name them
 * as before, and a later migration edits a row by its id. Every insert is `on conflict do nothing`:
 * a database that already holds these rows (seeded before this migration existed) keeps them as they
 * are, and applying the file again changes nothing.
 *
 * `context_tokens` is each agent's model window (the built-in agents read at most a thread's recent
 * history: 32k; the external model is a Llama 3.1 8B: 128k); the run estimate fits a prompt to it.
 * Part of the baseline (20261130*): this file replaces 20261206800000_create_catalogs.sql and
 * the context windows 20261206800300 set by id.
 */

-- encoding profiles and rules ---------------------------------------------------------------------
insert into public.encoding_profiles (id, slug, name, description, rules, compression_target, is_default) values
  ('c0000000-0000-4000-8000-021000000001', 'standard', 'Standard',
   'Default encoding: strips politeness, maps verbs to task types, keeps deadlines and output format.',
   '{"version": 1, "min_eqs": 60,
     "required_fields": {"action": 35, "object": 25, "scope": 15, "constraints": 10, "output_format": 15},
     "ambiguity_penalties": {"unresolved_pronoun": 5, "multiple_actions": 10, "missing_object": 20, "hedging": 3},
     "max_penalty": 40}',
   0.500, true),
  ('c0000000-0000-4000-8000-021000000002', 'strict', 'Strict',
   'For sensitive or costly runs: higher minimum EQS, heavier ambiguity penalties, an explicit scope required.',
   '{"version": 1, "min_eqs": 80, "require_scope": true,
     "required_fields": {"action": 30, "object": 25, "scope": 25, "constraints": 10, "output_format": 10},
     "ambiguity_penalties": {"unresolved_pronoun": 10, "multiple_actions": 20, "missing_object": 40, "hedging": 6},
     "max_penalty": 60}',
   0.350, false)
on conflict do nothing;

insert into public.encoding_rules (id, profile_id, position, kind, pattern, replacement) values
  ('c0000000-0000-4000-8000-021100000001', 'c0000000-0000-4000-8000-021000000001', 1, 'strip',
   '\m(s''il (te|vous) pla[iî]t|please|kindly)\M', ''),
  ('c0000000-0000-4000-8000-021100000002', 'c0000000-0000-4000-8000-021000000001', 2, 'strip',
   '\m(peux-tu|pourrais-tu|can you|could you)\M', ''),
  ('c0000000-0000-4000-8000-021100000003', 'c0000000-0000-4000-8000-021000000001', 3, 'synonym',
   '\m(récapitule|sum up|recap)\M', 'summarize'),
  ('c0000000-0000-4000-8000-021100000004', 'c0000000-0000-4000-8000-021000000001', 4, 'action',
   '\m(summari[sz]e|résumer?)\M', 'summarize_thread'),
  ('c0000000-0000-4000-8000-021100000005', 'c0000000-0000-4000-8000-021000000001', 5, 'action',
   '\m(t[aâ]ches|to-?dos?|action items?|liste des choses)\M', 'extract_tasks'),
  ('c0000000-0000-4000-8000-021100000006', 'c0000000-0000-4000-8000-021000000001', 6, 'action',
   '\m(estim\w*|soumission|quote)\M', 'draft_estimate'),
  ('c0000000-0000-4000-8000-021100000007', 'c0000000-0000-4000-8000-021000000001', 7, 'action',
   '\m(rappelle-moi|remember|que sais-tu)\M', 'answer_from_memory'),
  ('c0000000-0000-4000-8000-021100000008', 'c0000000-0000-4000-8000-021000000001', 8, 'object',
   '\m(fil|thread)\M', 'thread'),
  ('c0000000-0000-4000-8000-021100000009', 'c0000000-0000-4000-8000-021000000001', 9, 'constraint',
   '\m(avant|before|by) (le )?\d{1,2}\M', 'deadline'),
  ('c0000000-0000-4000-8000-02110000000a', 'c0000000-0000-4000-8000-021000000001', 10, 'format',
   '\m(liste à puces|bullets?( points)?|en liste)\M', 'list'),
  ('c0000000-0000-4000-8000-02110000000b', 'c0000000-0000-4000-8000-021000000002', 1, 'strip',
   '\m(s''il (te|vous) pla[iî]t|please|kindly|peux-tu|can you)\M', ''),
  ('c0000000-0000-4000-8000-02110000000c', 'c0000000-0000-4000-8000-021000000002', 2, 'action',
   '\m(summari[sz]e|résumer?)\M', 'summarize_thread'),
  ('c0000000-0000-4000-8000-02110000000d', 'c0000000-0000-4000-8000-021000000002', 3, 'action',
   '\m(t[aâ]ches|to-?dos?|liste des choses)\M', 'extract_tasks'),
  ('c0000000-0000-4000-8000-02110000000e', 'c0000000-0000-4000-8000-021000000002', 4, 'object',
   '\m(fil|thread)\M', 'thread'),
  ('c0000000-0000-4000-8000-02110000000f', 'c0000000-0000-4000-8000-021000000002', 5, 'format',
   '\m(liste à puces|bullets?( points)?|en liste)\M', 'list')
on conflict do nothing;

-- agents and the compatibility matrix -------------------------------------------------------------
insert into public.agents
  (id, slug, name, description, provider, model, task_types, sphere_kinds, domain_kinds,
   cost_per_1k_tokens, max_tokens, context_tokens, external)
values
  ('c0000000-0000-4000-8000-022000000001', 'summarizer', 'Résumeur',
   'Summarises a thread into its key points and open questions.', 'builtin', 'chenu-summarizer-1',
   array['summarize_thread'],
   array['personal', 'business', 'company', 'community', 'social', 'health', 'finance', 'education'],
   array['general', 'immobilier', 'construction', 'finance', 'health', 'education', 'legal', 'marketing', 'operations'],
   1000, 4096, 32768, false),
  ('c0000000-0000-4000-8000-022000000002', 'task-extractor', 'Extracteur de tâches',
   'Extracts tasks with owners and due dates from a thread or meeting.', 'builtin', 'chenu-tasks-1',
   array['extract_tasks'],
   array['personal', 'business', 'company', 'community', 'social', 'health', 'finance', 'education'],
   array['general', 'immobilier', 'construction', 'finance', 'health', 'education', 'legal', 'marketing', 'operations'],
   1000, 4096, 32768, false),
  ('c0000000-0000-4000-8000-022000000003', 'estimator', 'Estimateur',
   'Drafts a cost estimate (line items, quantities, unit prices) for a human to review.', 'builtin',
   'chenu-estimator-1', array['draft_estimate'],
   array['personal', 'business', 'company', 'finance'],
   array['general', 'immobilier', 'construction', 'finance', 'operations'],
   1200, 8192, 32768, false),
  ('c0000000-0000-4000-8000-022000000004', 'memory-answerer', 'Mémoire',
   'Answers a question from the memory items inside the run''s locked scope.', 'builtin', 'chenu-memory-1',
   array['answer_from_memory'],
   array['personal', 'business', 'company', 'community', 'social', 'health', 'finance', 'education'],
   array['general', 'immobilier', 'construction', 'finance', 'health', 'education', 'legal', 'marketing', 'operations'],
   1100, 4096, 32768, false),
  ('c0000000-0000-4000-8000-022000000005', 'openai-compatible', 'Modèle externe (compatible OpenAI)',
   'Any OpenAI-compatible endpoint. Sends data off the box: never given sensitive memory (law 8).',
   'openai_compatible', 'llama-3.1-8b-instruct',
   array['summarize_thread', 'extract_tasks', 'draft_estimate', 'answer_from_memory'],
   array['personal', 'business', 'company', 'community', 'social', 'finance', 'education'],
   array['general', 'immobilier', 'construction', 'finance', 'education', 'legal', 'marketing', 'operations'],
   2500, 16384, 131072, true)
on conflict do nothing;

-- one row per agent × sphere kind × domain kind × task type it declares; builtin specialists score
-- above the external model, which is always constrained away from sensitive memory
insert into public.agent_compatibility_matrix (id, agent_id, sphere_kind, domain_kind, task_type, score, constraints)
select ('c0000000-0000-4000-8000-0221' || lpad(to_hex(row_number() over (order by a.id, s.kind, d.kind, t.task)::int), 8, '0'))::uuid,
       a.id, s.kind, d.kind, t.task,
       case a.slug
         when 'summarizer' then case when d.kind in ('legal', 'health') then 0.80 else 0.92 end
         when 'task-extractor' then case when d.kind in ('operations', 'construction') then 0.95
                                         when d.kind = 'general' then 0.90 else 0.85 end
         when 'estimator' then case d.kind when 'construction' then 0.96 when 'immobilier' then 0.90
                                           when 'finance' then 0.75 else 0.60 end
         when 'memory-answerer' then case when d.kind = 'legal' then 0.70 else 0.88 end
         else case t.task when 'summarize_thread' then 0.78 when 'answer_from_memory' then 0.62 else 0.70 end
       end,
       case a.slug
         when 'openai-compatible' then '{"external": true, "exclude_sensitive_memory": true}'::jsonb
         when 'estimator' then '{"human_review": true}'::jsonb
         when 'memory-answerer' then '{"memory_scope": "locked_only"}'::jsonb
           || case when d.kind = 'legal' then '{"human_review": true}'::jsonb else '{}'::jsonb end
         else case when d.kind in ('legal', 'health') then '{"human_review": true}'::jsonb else '{}'::jsonb end
       end
from public.agents a
cross join lateral unnest(a.sphere_kinds) s(kind)
cross join lateral unnest(a.domain_kinds) d(kind)
cross join lateral unnest(a.task_types) t(task)
where a.id between 'c0000000-0000-4000-8000-022000000001' and 'c0000000-0000-4000-8000-022000000005'
on conflict do nothing;

-- plans -----------------------------------------------------------------------------------------------
insert into public.subscription_plans
  (id, slug, name, monthly_tokens, limits, features, price_cents_monthly, price_cents_yearly, currency)
values
  ('c0000000-0000-4000-8000-026000000001', 'free', 'Gratuit', 10000,
   '{"max_identities": 2, "max_dataspaces": 5, "max_api_keys": 0, "max_workflows": 1}',
   array['threads', 'memory', 'builtin_agents'], 0, 0, 'CAD'),
  ('c0000000-0000-4000-8000-026000000002', 'starter', 'Démarrage', 100000,
   '{"max_identities": 3, "max_dataspaces": 25, "max_api_keys": 2, "max_workflows": 10}',
   array['threads', 'memory', 'builtin_agents', 'workflows', 'meetings'], 900, 9000, 'CAD'),
  ('c0000000-0000-4000-8000-026000000003', 'pro', 'Pro', 1000000,
   '{"max_identities": 10, "max_dataspaces": 200, "max_api_keys": 10, "max_workflows": 100}',
   array['threads', 'memory', 'builtin_agents', 'workflows', 'meetings', 'xr', 'external_agents', 'api'],
   2900, 29000, 'CAD'),
  ('c0000000-0000-4000-8000-026000000004', 'enterprise', 'Entreprise', 10000000,
   '{"max_identities": 100, "max_dataspaces": 10000, "max_api_keys": 100, "max_workflows": 10000, "sso": true}',
   array['threads', 'memory', 'builtin_agents', 'workflows', 'meetings', 'xr', 'external_agents', 'api', 'sso', 'audit_export'],
   19900, 199000, 'CAD')
on conflict do nothing;
