-- Domain seed: meetings, immobilier, construction, XR/OCW, files and notifications.
-- Data only; runs after seed.sql (users alice/bob, identities A1 A2 B1 B2 with their sphere,
-- dataspace, thread and workspace). Ids: '<identity>-0000-4000-8000-01TT0000000N', TT per table:
--   80 meetings  81 meeting_participants  82 meeting_notes  83 meeting_tasks
--   90 properties  91 property_units  92 tenants  93 rent_payments
--   a0 construction_projects  a1 construction_estimates  a2 estimate_line_items
--   b0 xr_rooms  b1 xr_avatars  b2 spatial_anchors  b3 spatial_objects  b4 ocw_sessions
--   c0 files  c1 notifications  c2 notification_channels  c3 notification_deliveries
-- identity_id (and user_id) are explicit: there is no auth context while seeding.

-- meetings ---------------------------------------------------------------------------------------
-- One story per identity, every meeting in a dataspace of its own sphere:
--   A1 (Alice, personal): the cabinetmaker comes tomorrow at 10:00 about the kitchen of her duplex,
--      and the family council, which met last month, meets again next week;
--   A2 (Alice, Tremblay Immobilier): the triplex's renovation planning took place 16 days ago (ended,
--      with its notes and overdue tasks), its follow-up with Gagnon Construction is in two days, and
--      one of its tasks has no owner yet (Nova points at it);
--   B1 (Bob, personal): choosing the contractor for his duplex's kitchen, in four days.
-- Bob's business identity (B2, Gagnon Construction) is an editor of Alice's triplex dataspace
-- (seed.d/25_sharing.sql) and holds a seat in the follow-up meeting.
insert into public.meetings
  (id, identity_id, user_id, dataspace_id, thread_id, title, description, agenda,
   scheduled_at, duration, status, started_at, ended_at)
values
  ('a1000000-0000-4000-8000-018000000001', 'a1000000-0000-4000-8000-000000000000',
   'a0000000-0000-4000-8000-000000000000', 'a1000000-0000-4000-8000-000300000001',
   'a1000000-0000-4000-8000-000400000001',
   'Rencontre avec l''ébéniste — armoires de cuisine',
   'Valider le plan coté, la finition du merisier et la date de pose avec Marc Ouellet.',
   '[{"title": "Plan coté et mesures", "minutes": 15},
     {"title": "Finition et quincaillerie", "minutes": 15},
     {"title": "Échéancier de pose", "minutes": 15}]',
   pg_temp.seed_at(1, '10:00'), interval '1 hour', 'scheduled', null, null),
  ('a1000000-0000-4000-8000-018000000002', 'a1000000-0000-4000-8000-000000000000',
   'a0000000-0000-4000-8000-000000000000', 'a1000000-0000-4000-8000-000300000002',
   'a1000000-0000-4000-8000-000400000002',
   'Conseil de famille mensuel', 'Le calendrier du mois, le budget familial et les vacances d''été.',
   '[{"title": "Calendrier du mois", "minutes": 10},
     {"title": "Budget familial", "minutes": 15},
     {"title": "Vacances d''été au chalet", "minutes": 20}]',
   pg_temp.seed_at(6, '19:00'), interval '45 minutes', 'scheduled', null, null),
  ('a1000000-0000-4000-8000-018000000003', 'a1000000-0000-4000-8000-000000000000',
   'a0000000-0000-4000-8000-000000000000', 'a1000000-0000-4000-8000-000300000002',
   'a1000000-0000-4000-8000-000400000002',
   'Conseil de famille mensuel', 'Le calendrier du mois, le budget familial et les vacances d''été.',
   '[{"title": "Calendrier du mois", "minutes": 10}, {"title": "Budget familial", "minutes": 15}]',
   pg_temp.seed_at(-27, '19:00'), interval '45 minutes', 'ended',
   pg_temp.seed_at(-27, '19:02'), pg_temp.seed_at(-27, '19:48')),
  ('a2000000-0000-4000-8000-018000000001', 'a2000000-0000-4000-8000-000000000000',
   'a0000000-0000-4000-8000-000000000000', 'a2000000-0000-4000-8000-000300000001',
   'a2000000-0000-4000-8000-000400000001',
   'Planification des rénovations — Triplex Rosemont',
   'Point sur la toiture, les balcons arrière et le renouvellement des baux avant le 1er juillet.',
   '[{"title": "Tour de table", "minutes": 5},
     {"title": "Toiture : membrane élastomère", "minutes": 20},
     {"title": "Balcons et escaliers arrière", "minutes": 20},
     {"title": "Avis de renouvellement des baux", "minutes": 10},
     {"title": "Varia", "minutes": 5}]',
   pg_temp.seed_at(-16, '19:00'), interval '1 hour', 'ended',
   pg_temp.seed_at(-16, '19:03'), pg_temp.seed_at(-16, '20:07')),
  ('a2000000-0000-4000-8000-018000000002', 'a2000000-0000-4000-8000-000000000000',
   'a0000000-0000-4000-8000-000000000000', 'a2000000-0000-4000-8000-000300000001',
   'a2000000-0000-4000-8000-000400000001',
   'Suivi des travaux — balcons arrière',
   'La soumission de Gagnon Construction, le permis de l''arrondissement et le calendrier des travaux.',
   '[{"title": "Soumission de Gagnon Construction", "minutes": 20},
     {"title": "Permis de l''arrondissement", "minutes": 10},
     {"title": "Calendrier des travaux", "minutes": 15}]',
   pg_temp.seed_at(2, '19:00'), interval '1 hour', 'scheduled', null, null),
  ('b1000000-0000-4000-8000-018000000001', 'b1000000-0000-4000-8000-000000000000',
   'b0000000-0000-4000-8000-000000000000', 'b1000000-0000-4000-8000-000300000002', null,
   'Cuisine du duplex : choix de l''entrepreneur', 'Comparer les trois soumissions reçues.',
   '[{"title": "Comparer les trois soumissions", "minutes": 30}]',
   pg_temp.seed_at(4, '18:30'), interval '45 minutes', 'scheduled', null, null);

insert into public.meeting_participants
  (id, identity_id, meeting_id, participant_identity_id, display_name, email, role,
   joined_at, left_at, hand_raised_at)
values
  ('a1000000-0000-4000-8000-018100000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-018000000001', 'a1000000-0000-4000-8000-000000000000',
   'Alice', null, 'host', null, null, null),
  ('a1000000-0000-4000-8000-018100000002', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-018000000001', null,
   'Marc Ouellet', 'marc.ouellet@ebenisterie-ouellet.example', 'participant', null, null, null),
  ('a1000000-0000-4000-8000-018100000003', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-018000000002', 'a1000000-0000-4000-8000-000000000000',
   'Alice', null, 'host', null, null, null),
  ('a1000000-0000-4000-8000-018100000004', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-018000000002', null,
   'Louis Tremblay', 'louis.tremblay@example.com', 'participant', null, null, null),
  ('a1000000-0000-4000-8000-018100000005', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-018000000003', 'a1000000-0000-4000-8000-000000000000',
   'Alice', null, 'host', pg_temp.seed_at(-27, '19:02'), pg_temp.seed_at(-27, '19:48'), null),
  ('a2000000-0000-4000-8000-018100000001', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-018000000001', 'a2000000-0000-4000-8000-000000000000',
   'Alice', null, 'host', pg_temp.seed_at(-16, '19:01'), pg_temp.seed_at(-16, '20:07'), null),
  ('a2000000-0000-4000-8000-018100000002', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-018000000001', 'b2000000-0000-4000-8000-000000000000',
   'Bob — Gagnon Construction', null, 'participant',
   pg_temp.seed_at(-16, '19:03'), pg_temp.seed_at(-16, '20:05'), null),
  ('a2000000-0000-4000-8000-018100000003', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-018000000001', null,
   'Mélanie Tremblay', 'melanie.tremblay@toitures-rosemont.example', 'participant',
   pg_temp.seed_at(-16, '19:10'), pg_temp.seed_at(-16, '19:45'), pg_temp.seed_at(-16, '19:22')),
  ('a2000000-0000-4000-8000-018100000004', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-018000000002', 'a2000000-0000-4000-8000-000000000000',
   'Alice', null, 'host', null, null, null),
  ('a2000000-0000-4000-8000-018100000005', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-018000000002', 'b2000000-0000-4000-8000-000000000000',
   'Bob — Gagnon Construction', null, 'participant', null, null, null),
  ('b1000000-0000-4000-8000-018100000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-018000000001', 'b1000000-0000-4000-8000-000000000000',
   'Bob', null, 'host', null, null, null);

insert into public.meeting_notes (id, identity_id, meeting_id, author_identity_id, body, created_at)
values
  ('a1000000-0000-4000-8000-018200000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-018000000001', 'a1000000-0000-4000-8000-000000000000',
   'Apporter les échantillons de merisier. Marc doit confirmer la date de pose après la rencontre. '
   'Envoyer le plan coté de la cuisine à l''ébéniste.', pg_temp.seed_at(-3, '20:10')),
  ('a1000000-0000-4000-8000-018200000002', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-018000000003', 'a1000000-0000-4000-8000-000000000000',
   'Le chalet du lac Taureau est libre fin juillet; en reparler au prochain conseil.',
   pg_temp.seed_at(-27, '19:40')),
  ('a2000000-0000-4000-8000-018200000001', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-018000000001', 'a2000000-0000-4000-8000-000000000000',
   'Mélanie recommande de refaire la membrane élastomère du toit au printemps (elle a plus de 20 ans). '
   'Soumission attendue d''ici le ' || pg_temp.seed_fr_day(-1) || '; les travaux ne peuvent pas commencer avant la fonte des neiges.',
   pg_temp.seed_at(-16, '19:31')),
  ('a2000000-0000-4000-8000-018200000002', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-018000000001', 'a2000000-0000-4000-8000-000000000000',
   'Le locataire du 5892 a signalé une infiltration d''eau près de la fenêtre de la cuisine. '
   'Faire inspecter et calfeutrer avant les grands froids.',
   pg_temp.seed_at(-16, '19:52')),
  ('a2000000-0000-4000-8000-018200000003', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-018000000001', 'a2000000-0000-4000-8000-000000000000',
   'Bob (Gagnon Construction) enverra sa soumission pour les balcons; le permis reste à demander.',
   pg_temp.seed_at(-16, '20:01')),
  ('b1000000-0000-4000-8000-018200000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-018000000001', 'b1000000-0000-4000-8000-000000000000',
   'Demander à chaque entrepreneur son numéro de licence RBQ.', pg_temp.seed_at(-10, '21:15'));

-- overdue (due before today) and upcoming tasks; one without an owner
insert into public.meeting_tasks
  (id, identity_id, meeting_id, note_id, assignee_participant_id, title, description, status, due_on)
values
  ('a1000000-0000-4000-8000-018300000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-018000000001', 'a1000000-0000-4000-8000-018200000001',
   'a1000000-0000-4000-8000-018100000001',
   'Envoyer les mesures du mur de l''évier à l''ébéniste', '', 'open', pg_temp.seed_date(-2)),
  ('a1000000-0000-4000-8000-018300000002', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-018000000001', null, 'a1000000-0000-4000-8000-018100000001',
   'Choisir la quincaillerie des armoires', 'Poignées en laiton brossé ou noir mat.', 'open', pg_temp.seed_date(5)),
  ('a1000000-0000-4000-8000-018300000003', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-018000000002', null, 'a1000000-0000-4000-8000-018100000003',
   'Réserver le chalet pour les vacances d''été', '', 'open', pg_temp.seed_date(3)),
  ('a2000000-0000-4000-8000-018300000001', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-018000000001', 'a2000000-0000-4000-8000-018200000001',
   'a2000000-0000-4000-8000-018100000003',
   'Envoyer la soumission pour la membrane du toit',
   'Inclure la disposition des débris et la garantie sur la main-d''œuvre.', 'in_progress', pg_temp.seed_date(-1)),
  ('a2000000-0000-4000-8000-018300000002', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-018000000001', 'a2000000-0000-4000-8000-018200000002',
   'a2000000-0000-4000-8000-018100000001',
   'Faire inspecter la fenêtre de cuisine du 5892', '', 'open', pg_temp.seed_date(-5)),
  ('a2000000-0000-4000-8000-018300000003', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-018000000001', 'a2000000-0000-4000-8000-018200000003',
   'a2000000-0000-4000-8000-018100000002',
   'Envoyer la soumission pour les balcons arrière', '', 'done', pg_temp.seed_date(-9)),
  ('a2000000-0000-4000-8000-018300000004', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-018000000002', null, null,
   'Demander le permis de l''arrondissement pour les balcons', '', 'open', pg_temp.seed_date(10)),
  ('b1000000-0000-4000-8000-018300000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-018000000001', 'b1000000-0000-4000-8000-018200000001',
   'b1000000-0000-4000-8000-018100000001',
   'Vérifier les licences RBQ sur le site de la Régie', '', 'open', pg_temp.seed_date(1));

-- immobilier -------------------------------------------------------------------------------------
insert into public.properties
  (id, identity_id, dataspace_id, name, kind, address_line1, address_line2, city, region, postal_code, country, notes)
values
  ('a1000000-0000-4000-8000-019000000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-000300000001', 'Duplex rue Fabre', 'duplex',
   '4821, rue Fabre', null, 'Montréal', 'QC', 'H2J 3V7', 'CA',
   'Alice habite le rez-de-chaussée (la cuisine à rénover) et loue le logement du haut.'),
  ('a2000000-0000-4000-8000-019000000001', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-000300000001', 'Triplex Rosemont', 'triplex',
   '5890-5894, 3e Avenue', null, 'Montréal', 'QC', 'H1Y 2W8', 'CA',
   'Construit en 1925. Chauffage électrique, entrée d''eau refaite en 2019.'),
  ('b1000000-0000-4000-8000-019000000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-000300000002', 'Duplex Verdun', 'duplex',
   '4512, rue de Verdun', null, 'Montréal', 'QC', 'H4G 1M3', 'CA', '');

insert into public.property_units (id, identity_id, property_id, label, bedrooms, area_m2, rent_cents)
values
  ('a1000000-0000-4000-8000-019100000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-019000000001', 'Haut (loué)', 2, 82.00, 152000),
  ('a2000000-0000-4000-8000-019100000001', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-019000000001', '5890 (rez-de-chaussée)', 2, 78.50, 145000),
  ('a2000000-0000-4000-8000-019100000002', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-019000000001', '5892 (2e étage)', 3, 95.00, 165000),
  ('a2000000-0000-4000-8000-019100000003', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-019000000001', '5894 (3e étage)', 3, 95.00, 159500),
  ('b1000000-0000-4000-8000-019100000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-019000000001', 'Haut', 2, 72.00, 138000);

insert into public.tenants
  (id, identity_id, unit_id, full_name, email, phone, lease_start, lease_end, monthly_rent_cents)
values
  ('a1000000-0000-4000-8000-019200000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-019100000001', 'Camille Roy', 'camille.roy@example.com',
   '514 555-0119', pg_temp.seed_lease_start(), pg_temp.seed_lease_end(), 152000),
  ('a2000000-0000-4000-8000-019200000001', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-019100000001', 'Sophie Lavoie', 'sophie.lavoie@example.com',
   '514 555-0142', pg_temp.seed_lease_start(), pg_temp.seed_lease_end(), 145000),
  ('a2000000-0000-4000-8000-019200000002', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-019100000002', 'Jean-François Côté', 'jf.cote@example.com',
   '438 555-0187', pg_temp.seed_lease_start(), pg_temp.seed_lease_end(), 165000),
  ('a2000000-0000-4000-8000-019200000003', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-019100000003', 'Karim Benali', 'karim.benali@example.com',
   '514 555-0163', pg_temp.seed_lease_start(), pg_temp.seed_lease_end(), 159500),
  ('b1000000-0000-4000-8000-019200000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-019100000001', 'Geneviève Roy', null, null, pg_temp.seed_lease_start(), pg_temp.seed_lease_end(), 138000);

insert into public.rent_payments
  (id, identity_id, tenant_id, amount_cents, currency, period_month, paid_on, method, status, reference)
values
  ('a1000000-0000-4000-8000-019300000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-019200000001', 152000, 'CAD', pg_temp.seed_month(-1), pg_temp.seed_month(-1), 'interac', 'received', 'CA4Fb7Qe'),
  ('a2000000-0000-4000-8000-019300000001', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-019200000001', 145000, 'CAD', pg_temp.seed_month(-2), pg_temp.seed_month(-2), 'interac', 'received', 'CA7Hq2Lm'),
  ('a2000000-0000-4000-8000-019300000002', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-019200000001', 145000, 'CAD', pg_temp.seed_month(-1), pg_temp.seed_month(-1), 'interac', 'received', 'CA9Rt4Wx'),
  ('a2000000-0000-4000-8000-019300000003', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-019200000002', 165000, 'CAD', pg_temp.seed_month(-1), pg_temp.seed_month(-1), 'cheque', 'received', 'chèque no 118'),
  ('a2000000-0000-4000-8000-019300000004', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-019200000003', 159500, 'CAD', pg_temp.seed_month(-1), null, 'interac', 'late', null),
  ('a2000000-0000-4000-8000-019300000005', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-019200000003', 159500, 'CAD', pg_temp.seed_month(-2), pg_temp.seed_month(-2) + 2, 'interac', 'received', 'CA2Kp8Zn'),
  ('b1000000-0000-4000-8000-019300000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-019200000001', 138000, 'CAD', pg_temp.seed_month(-1), pg_temp.seed_month(-1), 'pre_authorized_debit', 'received', null);

-- construction -----------------------------------------------------------------------------------
-- The balconies' estimate is Gagnon Construction's (Bob's B2), written as an editor of Alice's
-- triplex dataspace: rows in a shared dataspace belong to its owner (A2).
insert into public.construction_projects
  (id, identity_id, dataspace_id, name, client_name, client_email, address, status, start_on, end_on)
values
  ('a1000000-0000-4000-8000-01a000000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-000300000001', 'Cuisine du rez-de-chaussée — rue Fabre',
   'Alice Tremblay', 'alice@chenu.local', '4821, rue Fabre, Montréal (QC) H2J 3V7',
   'planning', pg_temp.seed_date(21), pg_temp.seed_date(35)),
  ('a2000000-0000-4000-8000-01a000000001', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-000300000001', 'Réfection des balcons arrière — Triplex Rosemont',
   'Tremblay Immobilier (Alice Tremblay)', 'alice@chenu.local', '5890-5894, 3e Avenue, Montréal (QC) H1Y 2W8',
   'planning', pg_temp.seed_date(150), pg_temp.seed_date(175)),
  ('b1000000-0000-4000-8000-01a000000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-000300000002', 'Rénovation de la cuisine — Duplex Verdun',
   'Bob (propriétaire)', null, '4512, rue de Verdun, Montréal (QC) H4G 1M3',
   'lead', null, null);

insert into public.construction_estimates
  (id, identity_id, project_id, version, status, tax_rate, valid_until, notes)
values
  ('a1000000-0000-4000-8000-01a100000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-01a000000001', 1, 'sent', 0.14975, pg_temp.seed_date(30),
   'Soumission de l''Ébénisterie Ouellet : armoires en merisier, installation comprise. TPS et TVQ en sus.'),
  ('a2000000-0000-4000-8000-01a100000001', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-01a000000001', 1, 'sent', 0.14975, pg_temp.seed_date(56),
   'Prix incluant la disposition des débris. Permis de l''arrondissement Rosemont–La Petite-Patrie '
   'à obtenir par l''entrepreneur. TPS et TVQ en sus.'),
  ('b1000000-0000-4000-8000-01a100000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-01a000000001', 1, 'draft', 0.14975, null, '');

insert into public.estimate_line_items
  (id, identity_id, estimate_id, position, description, category, quantity, unit, unit_price_cents)
values
  ('a1000000-0000-4000-8000-01a200000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-01a100000001', 1, 'Armoires en merisier, finition naturelle', 'materials', 1, 'lot', 1120000),
  ('a1000000-0000-4000-8000-01a200000002', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-01a100000001', 2, 'Quincaillerie (poignées, coulisses)', 'materials', 1, 'lot', 60000),
  ('a1000000-0000-4000-8000-01a200000003', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-01a100000001', 3, 'Installation', 'labour', 32, 'h', 8500),
  ('a2000000-0000-4000-8000-01a200000001', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-01a100000001', 1, 'Démolition des balcons et escaliers existants',
   'labour', 24, 'h', 6500),
  ('a2000000-0000-4000-8000-01a200000002', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-01a100000001', 2, 'Bois traité 2x10 et 2x6 pour la charpente',
   'materials', 1, 'lot', 285000),
  ('a2000000-0000-4000-8000-01a200000003', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-01a100000001', 3, 'Planches de composite pour les planchers de balcon',
   'materials', 18.5, 'm²', 8900),
  ('a2000000-0000-4000-8000-01a200000004', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-01a100000001', 4, 'Location d''échafaudage', 'equipment', 3, 'sem.', 42000),
  ('a2000000-0000-4000-8000-01a200000005', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-01a100000001', 5, 'Garde-corps en aluminium, fourniture et pose',
   'subcontract', 1, 'forfait', 640000),
  ('b1000000-0000-4000-8000-01a200000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-01a100000001', 1, 'Armoires de cuisine en mélamine', 'materials', 4.2, 'm', 72000);

-- xr and ocw -------------------------------------------------------------------------------------
insert into public.xr_rooms
  (id, identity_id, dataspace_id, meeting_id, workspace_id, name, kind, capacity, locked, settings)
values
  ('a1000000-0000-4000-8000-01b000000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-000300000001', null, null, 'Salle spatiale — Rénovation cuisine',
   'dataspace', 8, false, '{"environment": "atelier", "spatial_audio": true, "grid_snap_m": 0.25}'),
  ('a1000000-0000-4000-8000-01b000000002', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-000300000001', 'a1000000-0000-4000-8000-018000000001', null,
   'Rencontre — armoires de cuisine', 'meeting', 6, false, '{"environment": "salle_conseil"}'),
  ('a2000000-0000-4000-8000-01b000000001', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-000300000001', 'a2000000-0000-4000-8000-018000000002', null,
   'Réunion — suivi des travaux du triplex', 'meeting', 12, false, '{"environment": "salle_conseil"}'),
  ('b1000000-0000-4000-8000-01b000000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-000300000001', null, 'b1000000-0000-4000-8000-000700000001',
   'Atelier — Voyage Gaspésie', 'workspace', 4, false, '{}');

insert into public.xr_avatars (id, identity_id, display_name, color, model, last_room_id, last_pose)
values
  ('a1000000-0000-4000-8000-01b100000001', 'a1000000-0000-4000-8000-000000000000',
   'Alice', '#e4572e', 'humanoid/default-v2', 'a1000000-0000-4000-8000-01b000000001',
   '{"position": [0, 1.6, 2.2], "orientation": [0, 0, 0, 1]}'),
  ('b1000000-0000-4000-8000-01b100000001', 'b1000000-0000-4000-8000-000000000000',
   'Bob', '#2e86ab', 'humanoid/default-v2', null, null);

insert into public.spatial_anchors
  (id, identity_id, room_id, label, position, orientation, xr_anchor_id, created_by_identity_id)
values
  ('a1000000-0000-4000-8000-01b200000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-01b000000001', 'Mur principal', '{0,1.5,-2}', '{0,0,0,1}', null,
   'a1000000-0000-4000-8000-000000000000'),
  ('a1000000-0000-4000-8000-01b200000002', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-01b000000001', 'Table centrale', '{0,0.75,0}', '{0,0.7071068,0,0.7071068}',
   'webxr-anchor-7f3c2a91', 'a1000000-0000-4000-8000-000000000000'),
  ('b1000000-0000-4000-8000-01b200000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-01b000000001', 'Table des cartes', '{0,0.9,0}', '{0,0,0,1}', null,
   'b1000000-0000-4000-8000-000000000000');

insert into public.spatial_objects
  (id, identity_id, room_id, anchor_id, kind, ref_id, position, orientation, scale, data, version)
values
  ('a1000000-0000-4000-8000-01b300000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-01b000000001', 'a1000000-0000-4000-8000-01b200000001', 'thread_panel',
   'a1000000-0000-4000-8000-000400000001', '{-0.8,0,0}', '{0,0,0,1}', '{1,1,1}',
   '{"title": "Choix des armoires"}', 3),
  ('a1000000-0000-4000-8000-01b300000002', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-01b000000001', 'a1000000-0000-4000-8000-01b200000001', 'workspace_panel',
   'a1000000-0000-4000-8000-000700000001', '{0.8,0,0}', '{0,0,0,1}', '{1.2,1.2,1}',
   '{"title": "Tableau de bord de la cuisine"}', 1),
  ('a1000000-0000-4000-8000-01b300000003', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-01b000000001', 'a1000000-0000-4000-8000-01b200000002', 'memory_card',
   null, '{0,0.05,0}', '{0,0,0,1}', '{0.3,0.3,0.3}',
   '{"text": "Devis de l''ébéniste : 14 500 $, installation comprise"}', 0),
  ('a1000000-0000-4000-8000-01b300000004', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-01b000000001', null, 'note',
   null, '{1.5,1.2,-1}', '{0,-0.3826834,0,0.9238795}', '{0.5,0.5,0.5}',
   '{"text": "Mesurer le mur de l''évier avant la rencontre", "color": "#ffd166"}', 2),
  ('b1000000-0000-4000-8000-01b300000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-01b000000001', 'b1000000-0000-4000-8000-01b200000001', 'model',
   null, '{0,0,0}', '{0,0,0,1}', '{1,1,1}', '{"url": "models/carte-gaspesie.glb"}', 0);

insert into public.ocw_sessions
  (id, identity_id, workspace_id, status, started_at, ended_at, participant_identity_ids, document, revision)
values
  ('a1000000-0000-4000-8000-01b400000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-000700000001', 'ended', pg_temp.seed_at(-3, '19:30'), pg_temp.seed_at(-3, '20:15'),
   '{a1000000-0000-4000-8000-000000000000}',
   '{"type": "doc", "content": [{"type": "heading", "text": "Cuisine : ce qui est choisi"},
     {"type": "list", "items": ["Armoires en merisier", "Comptoir en quartz", "Dosseret en céramique"]}]}',
   41),
  ('a1000000-0000-4000-8000-01b400000002', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-000700000001', 'active', pg_temp.seed_now() - interval '3 hours', null,
   '{a1000000-0000-4000-8000-000000000000}',
   '{"type": "doc", "content": [{"type": "heading", "text": "Budget de la cuisine"}]}', 6),
  ('b1000000-0000-4000-8000-01b400000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-000700000001', 'active', pg_temp.seed_at(-1, '20:00'), null,
   '{b1000000-0000-4000-8000-000000000000}', '{"type": "doc", "content": []}', 0);

-- files and notifications ------------------------------------------------------------------------
insert into public.files
  (id, identity_id, dataspace_id, name, mime_type, size_bytes, sha256, storage_backend, storage_path)
values
  ('a1000000-0000-4000-8000-01c000000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-000300000001', 'devis-ebenisterie-ouellet.pdf', 'application/pdf', 184512,
   'c2b3a1f0e44d1b7f0b6d1e2c9d5a7f3e8b0c4d6a2e9f1b3c5d7e9a0b2c4d6e8f', 'local',
   'a1000000-0000-4000-8000-000000000000/a1000000-0000-4000-8000-01c000000001/devis-ebenisterie-ouellet.pdf'),
  ('a2000000-0000-4000-8000-01c000000001', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-000300000001', pg_temp.seed_lease_file(), 'application/pdf', 284512,
   'f8b294fba05e0c88570697792f4f83d9dc69b3aa4f2d4d31341c0fd3aa15e865', 'local',
   'a2000000-0000-4000-8000-000000000000/a2000000-0000-4000-8000-01c000000001/' || pg_temp.seed_lease_file()),
  ('a2000000-0000-4000-8000-01c000000002', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-000300000001', 'infiltration-cuisine-5892.jpg', 'image/jpeg', 1843207,
   '94997d455172348d78751cbc0d1b1439e0da9e056a965a6a0fe4dea5ccdc1cf9', 'local',
   'a2000000-0000-4000-8000-000000000000/a2000000-0000-4000-8000-01c000000002/infiltration-cuisine-5892.jpg'),
  ('b1000000-0000-4000-8000-01c000000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-000300000002', 'plan-cuisine.pdf', 'application/pdf', 512004,
   '87bce1ea141bd4efc64dda44d510d94877210e7c5dca3560a565d7058b450daf', 'local',
   'b1000000-0000-4000-8000-000000000000/b1000000-0000-4000-8000-01c000000001/plan-cuisine.pdf');

insert into public.notifications (id, identity_id, user_id, kind, title, body, data, read_at, created_at)
values
  ('a1000000-0000-4000-8000-01c100000001', 'a1000000-0000-4000-8000-000000000000',
   'a0000000-0000-4000-8000-000000000000', 'meeting.scheduled', 'Réunion planifiée',
   'Rencontre avec l''ébéniste — armoires de cuisine, le ' || pg_temp.seed_fr_day(1) || ' à 10 h.',
   '{"meeting_id": "a1000000-0000-4000-8000-018000000001"}', null, pg_temp.seed_at(-3, '20:00')),
  ('a2000000-0000-4000-8000-01c100000001', 'a2000000-0000-4000-8000-000000000000',
   'a0000000-0000-4000-8000-000000000000', 'meeting.reminder', 'Réunion dans 1 heure',
   'Planification des rénovations — Triplex Rosemont, à 19 h.',
   '{"meeting_id": "a2000000-0000-4000-8000-018000000001"}',
   pg_temp.seed_at(-16, '18:12'), pg_temp.seed_at(-16, '18:00')),
  ('a2000000-0000-4000-8000-01c100000002', 'a2000000-0000-4000-8000-000000000000',
   'a0000000-0000-4000-8000-000000000000', 'rent.late', 'Loyer en retard — 5894',
   'Le loyer de ' || pg_temp.seed_fr_month(-1) || ' de Karim Benali (5894, 3e Avenue) n''a pas encore été reçu.',
   jsonb_build_object('tenant_id', 'a2000000-0000-4000-8000-019200000003', 'rent_payment_id',
                      'a2000000-0000-4000-8000-019300000004', 'period_month', pg_temp.seed_month(-1)),
   null, pg_temp.seed_month_start(-1) + interval '5 days 8 hours'),
  ('b1000000-0000-4000-8000-01c100000001', 'b1000000-0000-4000-8000-000000000000',
   'b0000000-0000-4000-8000-000000000000', 'meeting.scheduled', 'Réunion planifiée',
   'Cuisine du duplex : choix de l''entrepreneur, le ' || pg_temp.seed_fr_day(4) || ' à 18 h 30.',
   '{"meeting_id": "b1000000-0000-4000-8000-018000000001"}', null, pg_temp.seed_at(-10, '21:00'));

-- The webhook and the push endpoint name hosts under `.example` (RFC 2606): they never resolve, and
-- the outbound policy refuses such reserved names before any DNS query (supabase/functions/_shared/outbound), so the
-- seeded retry fails on this machine and nothing leaves it.
insert into public.notification_channels (id, identity_id, channel, name, config, enabled, secret)
values
  ('a1000000-0000-4000-8000-01c200000001', 'a1000000-0000-4000-8000-000000000000',
   'email', 'courriel perso', '{"address": "alice@example.com", "digest": "immediate"}', true, null),
  ('a2000000-0000-4000-8000-01c200000001', 'a2000000-0000-4000-8000-000000000000',
   'email', 'courriel Tremblay Immobilier', '{"address": "alice@tremblay-immobilier.example", "digest": "immediate"}',
   true, null),
  ('a2000000-0000-4000-8000-01c200000002', 'a2000000-0000-4000-8000-000000000000',
   'webhook', 'automatisations Tremblay Immobilier',
   '{"url": "https://hooks.tremblay-immobilier.example/chenu", "events": ["rent.late", "meeting.reminder"]}',
   true, 'whsec_c2VlZC1vbmx5LXdlYmhvb2sta2V5LTMyLWJ5dGVzISE='),
  ('b1000000-0000-4000-8000-01c200000001', 'b1000000-0000-4000-8000-000000000000',
   'push', 'téléphone', '{"endpoint": "https://push.example/sub/b1-seed", "keys": {"p256dh": "seed", "auth": "seed"}}',
   true, null);

insert into public.notification_deliveries
  (id, identity_id, notification_id, channel_id, status, attempts, next_attempt_at, last_error, delivered_at)
values
  ('a1000000-0000-4000-8000-01c300000001', 'a1000000-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-01c100000001', 'a1000000-0000-4000-8000-01c200000001',
   'delivered', 1, null, null, pg_temp.seed_at(-3, '20:00:04')),
  ('a2000000-0000-4000-8000-01c300000001', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-01c100000001', 'a2000000-0000-4000-8000-01c200000001',
   'delivered', 1, null, null, pg_temp.seed_at(-16, '18:00:04')),
  ('a2000000-0000-4000-8000-01c300000002', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-01c100000002', 'a2000000-0000-4000-8000-01c200000001',
   'delivered', 1, null, null, pg_temp.seed_month_start(-1) + interval '5 days 8 hours 3 seconds'),
  ('a2000000-0000-4000-8000-01c300000003', 'a2000000-0000-4000-8000-000000000000',
   'a2000000-0000-4000-8000-01c100000002', 'a2000000-0000-4000-8000-01c200000002',
   'pending', 2, pg_temp.seed_month_start(-1) + interval '5 days 8 hours 20 minutes', 'HTTP 502 Bad Gateway', null),
  ('b1000000-0000-4000-8000-01c300000001', 'b1000000-0000-4000-8000-000000000000',
   'b1000000-0000-4000-8000-01c100000001', 'b1000000-0000-4000-8000-01c200000001',
   'delivered', 1, null, null, pg_temp.seed_at(-10, '21:00:02'));
