-- CHE·NU seed: data only. Two users, each with two identities (personal + business), and for every
-- identity a sphere, a domain, dataspaces, a thread with messages and a decision, a workspace with
-- panels and history, and memory items. Ids follow '<owner>000000-0000-4000-8000-<table><n>'
-- (owner a1/a2 = Alice's identities, b1/b2 = Bob's) so later seed files and tests can refer to them.
-- Logins (local auth): alice@chenu.local / chenu-demo-password, bob@chenu.local / chenu-demo-password.

-- Time is an input. Every dated row here and in seed.d/ is placed relative to the instant the seed
-- is loaded (`private.clock()`: the transaction's now(), or the clock a test pinned), on Montréal's
-- calendar: the demo reads true on any day, past events are past, scheduled ones are ahead, and every
-- budget period and plan period is the current one. The helpers live in pg_temp, so they vanish
-- with the session and never reach the schema (seed files load in one session, here and with the
-- Supabase CLI).
create function pg_temp.seed_now() returns timestamptz language sql stable
as $$ select private.clock() $$;
-- the local date `days` from today
create function pg_temp.seed_date(days integer) returns date language sql stable
as $$ select (pg_temp.seed_now() at time zone 'America/Montreal')::date + days $$;
-- `local_time` on the local day `days` from today
create function pg_temp.seed_at(days integer, local_time time) returns timestamptz language sql stable
as $$ select (pg_temp.seed_date(days) + local_time) at time zone 'America/Montreal' $$;
-- the first day of the local month `months` from this one
create function pg_temp.seed_month(months integer) returns date language sql stable
as $$ select (date_trunc('month', pg_temp.seed_now() at time zone 'America/Montreal')
              + make_interval(months => months))::date $$;
create function pg_temp.seed_month_start(months integer) returns timestamptz language sql stable
as $$ select pg_temp.seed_month(months)::timestamp at time zone 'America/Montreal' $$;
-- a moment of this month that has passed: its start plus `fraction` of the time elapsed since,
-- plus `later`, never after now (spending history stays inside the current budget period)
create function pg_temp.seed_this_month(fraction numeric, later interval default '0 seconds')
returns timestamptz language sql stable
as $$ select least(pg_temp.seed_now(), pg_temp.seed_month_start(0)
                   + (pg_temp.seed_now() - pg_temp.seed_month_start(0)) * fraction + later) $$;
-- a moment of a run that started two minutes ago (or when this month began, if later) and is still going
create function pg_temp.seed_running(later interval) returns timestamptz language sql stable
as $$ select least(pg_temp.seed_now(),
                   greatest(pg_temp.seed_month_start(0), pg_temp.seed_now() - interval '2 minutes') + later) $$;
create function pg_temp.seed_next_monday() returns date language sql stable
as $$ select pg_temp.seed_date(8 - extract(isodow from pg_temp.seed_date(0))::integer) $$;
-- the lease year in force: from the last 1 July to the next 30 June
create function pg_temp.seed_lease_start() returns date language sql stable
as $$ select make_date(extract(year from pg_temp.seed_date(0) - interval '6 months')::integer, 7, 1) $$;
create function pg_temp.seed_lease_end() returns date language sql stable
as $$ select (pg_temp.seed_lease_start() + interval '1 year')::date - 1 $$;
create function pg_temp.seed_lease_file() returns text language sql stable
as $$ select format('bail-5892-%s-%s.pdf', extract(year from pg_temp.seed_lease_start()),
                    extract(year from pg_temp.seed_lease_end())) $$;
-- the year of the planned works (the balconies project starts in about five months)
create function pg_temp.seed_works_year() returns text language sql stable
as $$ select extract(year from pg_temp.seed_date(150))::text $$;
-- '8 décembre': a day `days` from today, and a month `months` from this one, in French
create function pg_temp.seed_fr_month(months integer) returns text language sql stable
as $$ select (array['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre',
                    'octobre', 'novembre', 'décembre'])[extract(month from pg_temp.seed_month(months))::integer] $$;
create function pg_temp.seed_fr_day(days integer) returns text language sql stable
as $$ select extract(day from pg_temp.seed_date(days))::integer || ' '
             || (array['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre',
                       'octobre', 'novembre', 'décembre'])[extract(month from pg_temp.seed_date(days))::integer] $$;

insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at, raw_app_meta_data, raw_user_meta_data)
values
  ('a0000000-0000-4000-8000-000000000000', 'authenticated', 'authenticated', 'alice@chenu.local',
   extensions.crypt('chenu-demo-password', extensions.gen_salt('bf', 10)), now(),
   '{"provider":"email","providers":["email"]}', '{"display_name":"Alice Tremblay"}'),
  ('b0000000-0000-4000-8000-000000000000', 'authenticated', 'authenticated', 'bob@chenu.local',
   extensions.crypt('chenu-demo-password', extensions.gen_salt('bf', 10)), now(),
   '{"provider":"email","providers":["email"]}', '{"display_name":"Bob Gagnon"}');

insert into public.users (id, email, display_name) values
  ('a0000000-0000-4000-8000-000000000000', 'alice@chenu.local', 'Alice Tremblay'),
  ('b0000000-0000-4000-8000-000000000000', 'bob@chenu.local', 'Bob Gagnon');

insert into public.identities (id, user_id, name, kind, color, is_default) values
  ('a1000000-0000-4000-8000-000000000000', 'a0000000-0000-4000-8000-000000000000', 'Alice', 'personal', '#4f8cff', true),
  ('a2000000-0000-4000-8000-000000000000', 'a0000000-0000-4000-8000-000000000000', 'Alice — Tremblay Immobilier', 'business', '#ff8c42', false),
  ('b1000000-0000-4000-8000-000000000000', 'b0000000-0000-4000-8000-000000000000', 'Bob', 'personal', '#3ecf8e', true),
  ('b2000000-0000-4000-8000-000000000000', 'b0000000-0000-4000-8000-000000000000', 'Bob — Gagnon Construction', 'business', '#e5484d', false);

-- one sphere, domain, dataspace, thread and workspace per identity
insert into public.spheres (id, identity_id, name, kind)
select (o || '000000-0000-4000-8000-000100000001')::uuid, (o || '000000-0000-4000-8000-000000000000')::uuid, s.name, s.kind
from (values ('a1', 'Vie personnelle', 'personal'), ('a2', 'Tremblay Immobilier', 'business'),
             ('b1', 'Vie personnelle', 'personal'), ('b2', 'Gagnon Construction', 'company')) s(o, name, kind);

insert into public.domains (id, identity_id, sphere_id, name, kind)
select (o || '000000-0000-4000-8000-000200000001')::uuid, (o || '000000-0000-4000-8000-000000000000')::uuid,
       (o || '000000-0000-4000-8000-000100000001')::uuid, d.name, d.kind
from (values ('a1', 'Maison', 'general'), ('a2', 'Immobilier', 'immobilier'),
             ('b1', 'Famille', 'general'), ('b2', 'Chantiers', 'construction')) d(o, name, kind);

insert into public.dataspaces (id, identity_id, user_id, sphere_id, domain_id, name, description, kind)
select (o || '000000-0000-4000-8000-000300000001')::uuid, (o || '000000-0000-4000-8000-000000000000')::uuid,
       (left(o, 1) || '0000000-0000-4000-8000-000000000000')::uuid,
       (o || '000000-0000-4000-8000-000100000001')::uuid, (o || '000000-0000-4000-8000-000200000001')::uuid,
       d.name, d.description, d.kind
from (values
  ('a1', 'Rénovation cuisine', 'Planifier la rénovation de la cuisine, budget et échéancier.', 'project'),
  ('a2', 'Triplex Rosemont', 'Gestion du triplex : locataires, loyers, entretien.', 'property'),
  ('b1', 'Voyage Gaspésie', 'Itinéraire et réservations pour l''été.', 'personal'),
  ('b2', 'Chantier Villeray', 'Agrandissement résidentiel rue Villeray.', 'construction')) d(o, name, description, kind);

-- a second dataspace for Alice's personal identity (the family council's meetings), and one for
-- Bob's duplex (its kitchen, its tenant), each in its owner's personal sphere
insert into public.dataspaces (id, identity_id, user_id, sphere_id, domain_id, name, description, kind) values
  ('a1000000-0000-4000-8000-000300000002', 'a1000000-0000-4000-8000-000000000000', 'a0000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-000100000001', null, 'Réunions de famille', 'Réunions mensuelles du conseil de famille.', 'meeting'),
  ('b1000000-0000-4000-8000-000300000002', 'b1000000-0000-4000-8000-000000000000', 'b0000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-000100000001', 'b1000000-0000-4000-8000-000200000001', 'Duplex Verdun',
   'Le duplex de la rue de Verdun : la cuisine à refaire et le logement du haut.', 'property');

insert into public.threads (id, identity_id, dataspace_id, title, token_budget)
select (o || '000000-0000-4000-8000-000400000001')::uuid, (o || '000000-0000-4000-8000-000000000000')::uuid,
       (o || '000000-0000-4000-8000-000300000001')::uuid, t.title, t.budget
from (values ('a1', 'Choix des armoires', 5000), ('a2', 'Renouvellement des baux ' || extract(year from pg_temp.seed_lease_end()), 20000),
             ('b1', 'Hébergement à Percé', null), ('b2', 'Soumission fondations', 50000)) t(o, title, budget);

insert into public.messages (id, identity_id, thread_id, author_identity_id, author_kind, body, created_at)
select (o || '000000-0000-4000-8000-00050000000' || n)::uuid, (o || '000000-0000-4000-8000-000000000000')::uuid,
       (o || '000000-0000-4000-8000-000400000001')::uuid,
       case when kind = 'human' then (o || '000000-0000-4000-8000-000000000000')::uuid end, kind, body,
       pg_temp.seed_now() - make_interval(hours => 10 - n)
from (values
  ('a1', 1, 'human', 'Je penche pour des armoires en merisier, finition naturelle.'),
  ('a1', 2, 'human', 'Le devis de l''ébéniste est de 14 500 $, installation comprise.'),
  ('a1', 3, 'human', 'Décision à prendre avant le 15 : merisier ou érable ?'),
  ('a2', 1, 'human', 'Les trois baux arrivent à échéance le 30 juin.'),
  ('a2', 2, 'human', 'Hausse proposée : 3,2 % selon le calcul du TAL.'),
  ('b1', 1, 'human', 'Deux options : gîte à Percé ou camping au parc Forillon.'),
  ('b2', 1, 'human', 'La soumission pour les fondations doit inclure l''excavation.'),
  ('b2', 2, 'human', 'Béton 32 MPa, 18 m³ estimés.')) m(o, n, kind, body);

-- the family council's thread, quiet for three weeks (Nova notices it)
insert into public.threads (id, identity_id, dataspace_id, title) values
  ('a1000000-0000-4000-8000-000400000002', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-000300000002', 'Vacances d''été au chalet');
insert into public.messages (id, identity_id, thread_id, author_identity_id, author_kind, body, created_at)
select ('a1000000-0000-4000-8000-00050000000' || n)::uuid, 'a1000000-0000-4000-8000-000000000000',
       'a1000000-0000-4000-8000-000400000002', 'a1000000-0000-4000-8000-000000000000', 'human', body,
       pg_temp.seed_now() - make_interval(days => 25 - n)
from (values (4, 'Le chalet du lac Taureau est libre les deux dernières semaines de juillet.'),
             (5, 'À confirmer au prochain conseil de famille : qui apporte le canot ?')) m(n, body);
update public.threads set last_activity_at = pg_temp.seed_now() - interval '20 days'
where id = 'a1000000-0000-4000-8000-000400000002';

insert into public.decisions (id, identity_id, thread_id, message_id, title, rationale, status, decided_at)
select (o || '000000-0000-4000-8000-000600000001')::uuid, (o || '000000-0000-4000-8000-000000000000')::uuid,
       (o || '000000-0000-4000-8000-000400000001')::uuid, (o || '000000-0000-4000-8000-000500000001')::uuid,
       title, rationale, status, case when status = 'accepted' then pg_temp.seed_now() end
from (values ('a1', 'Armoires en merisier', 'Durabilité et couleur chaude.', 'accepted'),
             ('a2', 'Hausse de 3,2 %', 'Conforme au calcul du TAL.', 'proposed'),
             ('b1', 'Gîte à Percé', 'Plus confortable avec les enfants.', 'accepted'),
             ('b2', 'Inclure l''excavation', 'Évite un second sous-traitant.', 'accepted')) d(o, title, rationale, status);

insert into public.workspaces (id, identity_id, user_id, dataspace_id, name, layout, state, version)
select (o || '000000-0000-4000-8000-000700000001')::uuid, (o || '000000-0000-4000-8000-000000000000')::uuid,
       (left(o, 1) || '0000000-0000-4000-8000-000000000000')::uuid, (o || '000000-0000-4000-8000-000300000001')::uuid,
       'Espace de travail', 'grid', '{"layout":"grid","panels":2}', 1
from (values ('a1'), ('a2'), ('b1'), ('b2')) w(o);

insert into public.panels (id, identity_id, workspace_id, kind, title, ref_id, position, layout)
select (o || '000000-0000-4000-8000-00080000000' || n)::uuid, (o || '000000-0000-4000-8000-000000000000')::uuid,
       (o || '000000-0000-4000-8000-000700000001')::uuid, kind, title,
       case when kind = 'thread' then (o || '000000-0000-4000-8000-000400000001')::uuid end, n - 1,
       jsonb_build_object('col', n - 1, 'row', 0, 'w', 1, 'h', 1)
from (values ('a1', 1, 'thread', 'Fil principal'), ('a1', 2, 'notes', 'Notes'),
             ('a2', 1, 'thread', 'Fil principal'), ('a2', 2, 'tasks', 'Tâches'),
             ('b1', 1, 'thread', 'Fil principal'), ('b1', 2, 'notes', 'Notes'),
             ('b2', 1, 'thread', 'Fil principal'), ('b2', 2, 'estimate', 'Estimation')) p(o, n, kind, title);

insert into public.panel_states (id, identity_id, panel_id, version, state, author_identity_id)
select (o || '000000-0000-4000-8000-000900000001')::uuid, (o || '000000-0000-4000-8000-000000000000')::uuid,
       (o || '000000-0000-4000-8000-000800000002')::uuid, 1, '{"text":"Premières idées"}',
       (o || '000000-0000-4000-8000-000000000000')::uuid
from (values ('a1'), ('a2'), ('b1'), ('b2')) s(o);

insert into public.workspace_transformations (id, identity_id, workspace_id, kind, description, from_version, to_version, created_by)
select (o || '000000-0000-4000-8000-000a00000001')::uuid, (o || '000000-0000-4000-8000-000000000000')::uuid,
       (o || '000000-0000-4000-8000-000700000001')::uuid, 'add_panel', 'Ajout des panneaux initiaux', 0, 1,
       (o || '000000-0000-4000-8000-000000000000')::uuid
from (values ('a1'), ('a2'), ('b1'), ('b2')) s(o);

insert into public.workspace_state_history (id, identity_id, workspace_id, version, state, transformation_id)
select (o || '000000-0000-4000-8000-000b0000000' || v)::uuid, (o || '000000-0000-4000-8000-000000000000')::uuid,
       (o || '000000-0000-4000-8000-000700000001')::uuid, v,
       case v when 0 then '{"layout":"grid","panels":0}'::jsonb else '{"layout":"grid","panels":2}'::jsonb end,
       case v when 1 then (o || '000000-0000-4000-8000-000a00000001')::uuid end
from (values ('a1'), ('a2'), ('b1'), ('b2')) s(o), (values (0), (1)) vs(v);

insert into public.memory_items (id, identity_id, user_id, dataspace_id, thread_id, source_type, source_id, kind, content, sensitive)
select (o || '000000-0000-4000-8000-000c0000000' || n)::uuid, (o || '000000-0000-4000-8000-000000000000')::uuid,
       (left(o, 1) || '0000000-0000-4000-8000-000000000000')::uuid, (o || '000000-0000-4000-8000-000300000001')::uuid,
       (o || '000000-0000-4000-8000-000400000001')::uuid, src,
       case when src = 'user' then null else (o || '000000-0000-4000-8000-000500000001')::uuid end,
       kind, content, sensitive
from (values
  ('a1', 1, 'message', 'preference', 'Alice préfère le bois de merisier.', false),
  ('a1', 2, 'user', 'fact', 'Budget maximal de la cuisine : 25 000 $.', true),
  ('a2', 1, 'message', 'fact', 'Les baux du triplex finissent le 30 juin.', false),
  ('b1', 1, 'message', 'preference', 'La famille préfère les gîtes au camping.', false),
  ('b2', 1, 'message', 'fact', 'Béton 32 MPa pour les fondations Villeray.', false)) m(o, n, src, kind, content, sensitive);

insert into public.memory_corrections (id, identity_id, memory_item_id, kind, previous_content_sha256)
select (o || '000000-0000-4000-8000-000d00000001')::uuid, (o || '000000-0000-4000-8000-000000000000')::uuid,
       (o || '000000-0000-4000-8000-000c00000001')::uuid, 'correct', repeat('0', 64)
from (values ('a1'), ('b1')) s(o);

-- the start of each identity's audit chain; `loaded_at` is the seed's clock, which tests that read
-- seeded per-period figures pin (test/helpers/seedClock.ts)
select private.audit((o || '000000-0000-4000-8000-000000000000')::uuid, 'seed.loaded', 'identity',
                     (o || '000000-0000-4000-8000-000000000000')::uuid,
                     jsonb_build_object('loaded_at', pg_temp.seed_now()))
from (values ('a1'), ('a2'), ('b1'), ('b2')) s(o);
