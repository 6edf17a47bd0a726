/**
 * Sharing: memberships, invitations, links: functions.
 * Part of the baseline (20261130*): each function in its final version, with its why.
 */

/**
 * Accepts an invitation with `p_identity`, one of the signed-in user's identities (not the tenant
 * itself): a membership with the invitation's role (an existing one is raised, never lowered), or a
 * seat in the meeting. Returns {invitation, membership | participant}.
 */
create function private.accept_invitation(p_invitation uuid, p_identity uuid)
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  actor uuid := private.sharing_actor();
  inv public.invitations := private.invitation_for_me(p_invitation);
  place public.dataspaces;
  mt public.meetings;
  member public.dataspace_members;
  seat public.meeting_participants;
begin
  if not exists (select 1 from public.identities i where i.id = p_identity and i.user_id = (select auth.uid())) then
    raise exception 'identity % not found', p_identity using errcode = 'P0002';
  end if;
  if p_identity = inv.identity_id then
    raise exception 'this identity owns the dataspace; accept with another one' using errcode = '55000';
  end if;
  select d.* into place from public.dataspaces d where d.id = inv.dataspace_id;
  if inv.meeting_id is null then
    member := private.grant_membership(place, p_identity, inv.role, inv.invited_by_identity_id, null, 'invitation');
  else
    select m.* into mt from public.meetings m where m.id = inv.meeting_id;
    if mt.status not in ('scheduled', 'live') then
      raise exception 'the meeting is %', mt.status using errcode = '55000';
    end if;
    seat := private.grant_meeting_seat(mt, p_identity, inv.role, null);
  end if;
  update public.invitations i set status = 'accepted', accepted_identity_id = p_identity, decided_at = now()
  where i.id = inv.id returning * into inv;
  update public.notifications n set read_at = now()
  where n.kind = 'invitation.received' and n.data ->> 'invitation_id' = inv.id::text and n.read_at is null;
  perform private.audit(inv.identity_id, 'invitation.accepted', 'invitation', inv.id,
    jsonb_build_object('dataspace_id', inv.dataspace_id, 'meeting_id', inv.meeting_id, 'role', inv.role,
                       'identity_id', p_identity));
  perform private.audit(p_identity, 'invitation.accepted', 'invitation', inv.id,
    jsonb_build_object('dataspace_id', inv.dataspace_id, 'meeting_id', inv.meeting_id, 'role', inv.role,
                       'by', actor));
  return jsonb_build_object('invitation', to_jsonb(inv),
                            'membership', case when member.id is not null then to_jsonb(member) end,
                            'participant', case when seat.id is not null then to_jsonb(seat) || '{"email": null}'::jsonb end);
end;
$$;
grant execute on function private.accept_invitation(p_invitation uuid, p_identity uuid) to authenticated, service_role;

/**
 * Adds `p_identity` as a member with `p_role`, or sets the role of its membership (host; a host
 * grants up to host). Only an identity the tenant already knows (a member, an accepted invitee or
 * a seat in one of its meetings) can be added by id; anyone else is invited by e-mail, and an
 * unknown id is answered like one that does not exist.
 */
create function private.add_member(p_dataspace uuid, p_identity uuid, p_role text)
 returns public.dataspace_members
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  actor uuid := private.sharing_actor();
  place public.dataspaces := private.sharing_place(p_dataspace, actor, 4);
  member public.dataspace_members;
  before_role text;
begin
  if private.role_rank(p_role) is null then
    raise exception 'role must be viewer, participant, editor or host' using errcode = '22023';
  end if;
  if p_identity = place.identity_id then
    raise exception 'the owner is always host of the dataspace' using errcode = '55000';
  end if;
  if not (exists (select 1 from public.dataspace_members m
                  where m.identity_id = place.identity_id and m.member_identity_id = p_identity)
          or exists (select 1 from public.invitations i
                     where i.identity_id = place.identity_id and i.accepted_identity_id = p_identity)
          or exists (select 1 from public.meeting_participants p
                     where p.identity_id = place.identity_id and p.participant_identity_id = p_identity)) then
    raise exception 'identity % not found (invite them by e-mail)', p_identity using errcode = 'P0002';
  end if;
  select m.* into member from public.dataspace_members m
  where m.dataspace_id = place.id and m.member_identity_id = p_identity for update;
  before_role := member.role;
  if member.id is null then
    member := private.grant_membership(place, p_identity, p_role, actor, null, 'added');
  else
    update public.dataspace_members m set role = p_role, via_link_id = null
    where m.id = member.id returning * into member;
    if before_role <> p_role then
      perform private.audit(p_identity, 'membership.role_changed', 'dataspace_member', member.id,
        jsonb_build_object('dataspace_id', place.id, 'role', p_role, 'previous_role', before_role));
    end if;
  end if;
  perform private.audit_sharing(place.identity_id, actor,
    case when before_role is null then 'member.added' else 'member.role_changed' end, 'dataspace_member', member.id,
    jsonb_build_object('dataspace_id', place.id, 'member_identity_id', p_identity, 'role', p_role,
                       'previous_role', before_role));
  if before_role is null then
    insert into public.notifications (identity_id, kind, title, data)
    values (p_identity, 'membership.granted',
            left(format('You can now open "%s" (%s)', place.name, p_role), 200),
            jsonb_build_object('dataspace_id', place.id, 'role', p_role));
  end if;
  return member;
end;
$$;
grant execute on function private.add_member(p_dataspace uuid, p_identity uuid, p_role text) to authenticated, service_role;

/** Audits one sharing event on the tenant's chain and, when another identity acted, on the actor's. */
create function private.audit_sharing(p_tenant uuid, p_actor uuid, p_action text, p_entity_type text, p_entity_id uuid, p_payload jsonb)
 returns void
 language plpgsql
 security definer
 set search_path to ''
as $$
begin
  perform private.audit(p_tenant, p_action, p_entity_type, p_entity_id, p_payload || jsonb_build_object('by', p_actor));
  if p_actor is distinct from p_tenant and p_actor is not null then
    perform private.audit(p_actor, p_action, p_entity_type, p_entity_id, p_payload || jsonb_build_object('by', p_actor));
  end if;
end;
$$;

/** Sets the role of membership `p_member` (host). */
create function private.change_member_role(p_member uuid, p_role text)
 returns public.dataspace_members
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  actor uuid := private.sharing_actor();
  member public.dataspace_members;
  place public.dataspaces;
begin
  select m.* into member from public.dataspace_members m where m.id = p_member;
  if member.id is null then
    raise exception 'member % not found', p_member using errcode = 'P0002';
  end if;
  place := private.sharing_place(member.dataspace_id, actor, 4);
  return private.add_member(place.id, member.member_identity_id, p_role);
end;
$$;
grant execute on function private.change_member_role(p_member uuid, p_role text) to authenticated, service_role;

/**
 * Makes a share link to dataspace `p_dataspace` (host; up to editor) or, with `p_meeting`, to that
 * meeting (editor; viewer or participant), valid for `p_ttl` (1 minute to 30 days) and at most
 * `p_max_uses` redemptions. The token (256 random bits, `chenu_link_…`) is returned here only; the
 * row keeps its SHA-256. Returns {link, token}.
 */
create function private.create_share_link(p_dataspace uuid, p_meeting uuid, p_role text, p_ttl interval, p_max_uses integer default null::integer)
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  actor uuid := private.sharing_actor();
  place public.dataspaces;
  mt public.meetings;
  token text := 'chenu_link_' || rtrim(translate(encode(extensions.gen_random_bytes(32), 'base64'), '+/', '-_'), '=');
  link public.share_links;
begin
  if p_ttl is null or p_ttl < interval '1 minute' or p_ttl > interval '30 days' then
    raise exception 'a link lasts between 1 minute and 30 days' using errcode = '22023';
  end if;
  if p_meeting is null then
    place := private.sharing_place(p_dataspace, actor, 4);
    if coalesce(p_role, '') not in ('viewer', 'participant', 'editor') then
      raise exception 'a link gives viewer, participant or editor' using errcode = '22023';
    end if;
  else
    select m.* into mt from public.meetings m where m.id = p_meeting;
    place := private.sharing_place(mt.dataspace_id, actor, 3);
    if p_dataspace is not null and p_dataspace <> place.id then
      raise exception 'meeting % not found', p_meeting using errcode = 'P0002';
    end if;
    if coalesce(p_role, '') not in ('viewer', 'participant') then
      raise exception 'a meeting link is for a viewer or a participant' using errcode = '22023';
    end if;
    if mt.status not in ('scheduled', 'live') then
      raise exception 'the meeting is %', mt.status using errcode = '55000';
    end if;
  end if;
  if place.archived_at is not null then
    raise exception 'the dataspace is archived' using errcode = '55000';
  end if;
  insert into public.share_links (identity_id, dataspace_id, meeting_id, role, token_hash, created_by_identity_id,
                                  expires_at, max_uses)
  values (place.identity_id, place.id, p_meeting, p_role, encode(sha256(convert_to(token, 'UTF8')), 'hex'), actor,
          now() + p_ttl, p_max_uses)
  returning * into link;
  perform private.audit_sharing(place.identity_id, actor, 'link.created', 'share_link', link.id,
    jsonb_build_object('dataspace_id', place.id, 'meeting_id', p_meeting, 'role', p_role,
                       'expires_at', link.expires_at, 'max_uses', p_max_uses));
  return jsonb_build_object('link', to_jsonb(link) - 'token_hash', 'token', token);
end;
$$;
grant execute on function private.create_share_link(p_dataspace uuid, p_meeting uuid, p_role text, p_ttl interval, p_max_uses integer) to authenticated, service_role;

/** A member role's rank (viewer 1, participant 2, editor 3, host 4); null for anything else. */
create function private.role_rank(p_role text)
 returns integer
 language sql
 immutable
 set search_path to ''
as $$
  select case p_role when 'viewer' then 1 when 'participant' then 2 when 'editor' then 3 when 'host' then 4 end
$$;
grant execute on function private.role_rank(p_role text) to authenticated, service_role;

/** Rank of a dataspace role including the owner (5). */
create function private.dataspace_rank(p_role text)
 returns integer
 language sql
 immutable
 set search_path to ''
as $$
  select case when p_role = 'owner' then 5 else private.role_rank(p_role) end
$$;
grant execute on function private.dataspace_rank(p_role text) to authenticated, service_role;

/**
 * The role of identity `p_identity` in dataspace `p_dataspace`: 'owner', its membership's role, or
 * null. Says nothing about elevations (the exception path keeps its own rules).
 */
create function private.dataspace_role(p_dataspace uuid, p_identity uuid)
 returns text
 language plpgsql
 stable security definer
 set search_path to ''
as $$
declare
  found_role text;
begin
  if p_identity is null or p_dataspace is null then
    return null;
  end if;
  if exists (select 1 from public.dataspaces d where d.id = p_dataspace and d.identity_id = p_identity) then
    return 'owner';
  end if;
  select m.role into found_role from public.dataspace_members m
  where m.dataspace_id = p_dataspace and m.member_identity_id = p_identity;
  return found_role;
end;
$$;
grant execute on function private.dataspace_role(p_dataspace uuid, p_identity uuid) to authenticated, service_role;

/** Declines an invitation addressed to the signed-in user. */
create function private.decline_invitation(p_invitation uuid)
 returns public.invitations
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  actor uuid := private.sharing_actor();
  inv public.invitations := private.invitation_for_me(p_invitation);
begin
  update public.invitations i set status = 'declined', decided_at = now() where i.id = inv.id returning * into inv;
  update public.notifications n set read_at = now()
  where n.kind = 'invitation.received' and n.data ->> 'invitation_id' = inv.id::text and n.read_at is null;
  perform private.audit(inv.identity_id, 'invitation.declined', 'invitation', inv.id,
    jsonb_build_object('dataspace_id', inv.dataspace_id, 'meeting_id', inv.meeting_id));
  perform private.audit(actor, 'invitation.declined', 'invitation', inv.id,
    jsonb_build_object('dataspace_id', inv.dataspace_id, 'meeting_id', inv.meeting_id));
  return inv;
end;
$$;
grant execute on function private.decline_invitation(p_invitation uuid) to authenticated, service_role;

/**
 * Ends one membership: deletes it and clears that identity from the participant rows of the
 * dataspace's meetings (they stay as guests in the minutes), so nothing of the dataspace reaches it
 * any more. Audits the tenant's, the actor's and the member's chains.
 */
create function private.end_membership(p_member public.dataspace_members, p_actor uuid, p_reason text)
 returns void
 language plpgsql
 security definer
 set search_path to ''
as $$
begin
  delete from public.dataspace_members m where m.id = p_member.id;
  update public.meeting_participants p set participant_identity_id = null
  where p.participant_identity_id = p_member.member_identity_id
    and p.meeting_id in (select m.id from public.meetings m where m.dataspace_id = p_member.dataspace_id);
  perform private.audit_sharing(p_member.identity_id, p_actor, 'member.removed', 'dataspace_member', p_member.id,
    jsonb_build_object('dataspace_id', p_member.dataspace_id, 'member_identity_id', p_member.member_identity_id,
                       'role', p_member.role, 'reason', p_reason));
  if p_member.member_identity_id is distinct from p_actor then
    perform private.audit(p_member.member_identity_id, 'membership.ended', 'dataspace_member', p_member.id,
      jsonb_build_object('dataspace_id', p_member.dataspace_id, 'reason', p_reason));
  end if;
end;
$$;

/**
 * Seats `p_identity` in meeting `p_meeting` with `p_role` (a participant row of the tenant), or
 * raises an existing seat; never lowers it. Returns the participant row.
 */
create function private.grant_meeting_seat(p_meeting public.meetings, p_identity uuid, p_role text, p_link uuid)
 returns public.meeting_participants
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  seat public.meeting_participants;
  rank_of constant text[] := array['viewer', 'participant', 'moderator', 'host'];
begin
  select p.* into seat from public.meeting_participants p
  where p.meeting_id = p_meeting.id and p.participant_identity_id = p_identity for update;
  if seat.id is null then
    insert into public.meeting_participants (identity_id, meeting_id, participant_identity_id, display_name, role,
                                             via_link_id)
    values (p_meeting.identity_id, p_meeting.id, p_identity,
            (select i.name from public.identities i where i.id = p_identity), p_role, p_link)
    returning * into seat;
  elsif array_position(rank_of, p_role) > array_position(rank_of, seat.role)
        or (p_link is null and seat.via_link_id is not null) then
    update public.meeting_participants p
    set role = case when array_position(rank_of, p_role) > array_position(rank_of, p.role) then p_role else p.role end,
        via_link_id = case when p_link is null then null else p.via_link_id end
    where p.id = seat.id returning * into seat;
  end if;
  return seat;
end;
$$;

/**
 * Grants `p_identity` rank `p_role` in `p_place` (a membership), or raises an existing one; never
 * lowers it. `p_link` is the link the membership would rest on when it is new (null otherwise: an
 * invitation or a host confirms it). Returns the membership; audits the member's chain.
 */
create function private.grant_membership(p_place public.dataspaces, p_identity uuid, p_role text, p_by uuid, p_link uuid, p_source text)
 returns public.dataspace_members
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  member public.dataspace_members;
  before_role text;
begin
  select m.* into member from public.dataspace_members m
  where m.dataspace_id = p_place.id and m.member_identity_id = p_identity for update;
  before_role := member.role;
  if member.id is null then
    if (select count(*) from public.dataspace_members m where m.dataspace_id = p_place.id) >= 500 then
      raise exception 'a dataspace has at most 500 members' using errcode = '55000';
    end if;
    insert into public.dataspace_members (identity_id, dataspace_id, member_identity_id, role, added_by_identity_id,
                                          via_link_id)
    values (p_place.identity_id, p_place.id, p_identity, p_role, p_by, p_link)
    returning * into member;
  elsif private.role_rank(p_role) > private.role_rank(member.role) or (p_link is null and member.via_link_id is not null) then
    update public.dataspace_members m
    set role = case when private.role_rank(p_role) > private.role_rank(m.role) then p_role else m.role end,
        via_link_id = case when p_link is null then null else m.via_link_id end
    where m.id = member.id returning * into member;
  end if;
  if before_role is distinct from member.role then
    perform private.audit(p_identity, 'membership.granted', 'dataspace_member', member.id,
      jsonb_build_object('dataspace_id', p_place.id, 'role', member.role, 'previous_role', before_role,
                         'source', p_source));
  end if;
  return member;
end;
$$;

/**
 * True when the active identity holds a membership or a meeting seat (a participant row naming it):
 * lets every policy skip the shared branch per statement, as `private.has_elevations` does.
 */
create function private.has_shares()
 returns boolean
 language plpgsql
 stable security definer
 set search_path to ''
as $$
declare
  active uuid := private.active_identity_id();
begin
  if active is null then
    return false;
  end if;
  return exists (select 1 from public.dataspace_members m where m.member_identity_id = active)
      or exists (select 1 from public.meeting_participants p where p.participant_identity_id = active);
end;
$$;
grant execute on function private.has_shares() to authenticated, service_role;

/** An invitation addressed to the signed-in user, locked; P0002 for any other id. */
create function private.invitation_for_me(p_invitation uuid)
 returns public.invitations
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  inv public.invitations;
begin
  select i.* into inv from public.invitations i where i.id = p_invitation for update;
  if inv.id is null or inv.invitee_email is distinct from private.my_email() then
    raise exception 'invitation % not found', p_invitation using errcode = 'P0002';
  end if;
  if inv.status <> 'pending' then
    raise exception 'the invitation was already %', inv.status using errcode = '55000';
  end if;
  if inv.expires_at <= now() then
    raise exception 'the invitation expired at %', inv.expires_at using errcode = '55000';
  end if;
  return inv;
end;
$$;

/**
 * Invites `p_email` to dataspace `p_dataspace` with `p_role` (host), or, with `p_meeting`, to that
 * meeting only as viewer or participant (editor; the meeting must be scheduled or live). Inviting
 * the same address again while pending refreshes the role and expiry. Answered alike whether the
 * address has an account; when it has (confirmed), each of that user's identities is notified.
 * At most sharing_limits().invitations_per_hour a user an hour (PT429).
 */
create function private.invite(p_dataspace uuid, p_meeting uuid, p_email text, p_role text, p_ttl interval default '14 days'::interval)
 returns public.invitations
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  actor uuid := private.sharing_actor();
  uid uuid := auth.uid();
  v_email text := lower(btrim(coalesce(p_email, '')));
  place public.dataspaces;
  mt public.meetings;
  inv public.invitations;
  sent integer;
  actor_name text;
begin
  if v_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' or length(v_email) > 320 then
    raise exception 'a valid e-mail address is required' using errcode = '22023';
  end if;
  if p_ttl is null or p_ttl < interval '1 hour' or p_ttl > interval '60 days' then
    raise exception 'an invitation lasts between 1 hour and 60 days' using errcode = '22023';
  end if;
  if p_meeting is null then
    place := private.sharing_place(p_dataspace, actor, 4);
    if private.role_rank(p_role) is null then
      raise exception 'role must be viewer, participant, editor or host' using errcode = '22023';
    end if;
  else
    select m.* into mt from public.meetings m where m.id = p_meeting;
    place := private.sharing_place(mt.dataspace_id, actor, 3);
    if p_dataspace is not null and p_dataspace <> place.id then
      raise exception 'meeting % not found', p_meeting using errcode = 'P0002';
    end if;
    if coalesce(p_role, '') not in ('viewer', 'participant') then
      raise exception 'a meeting invitation is for a viewer or a participant' using errcode = '22023';
    end if;
    if mt.status not in ('scheduled', 'live') then
      raise exception 'the meeting is %: nobody can be invited to it any more', mt.status using errcode = '55000';
    end if;
  end if;
  if place.archived_at is not null then
    raise exception 'the dataspace is archived' using errcode = '55000';
  end if;
  -- one user's invitations are counted one after another, so a burst cannot pass the limit together
  perform pg_advisory_xact_lock(hashtextextended('invitations:' || uid::text, 0));
  select count(*) into sent from public.invitations i
  join public.identities x on x.id = i.invited_by_identity_id
  where x.user_id = uid and i.created_at > now() - interval '1 hour';
  if sent >= (select l.invitations_per_hour from private.sharing_limits() l) then
    raise exception 'too many invitations: at most % an hour',
      (select l.invitations_per_hour from private.sharing_limits() l) using errcode = 'PT429';
  end if;
  if (select count(*) from public.invitations i where i.dataspace_id = place.id and i.status = 'pending') >= 500 then
    raise exception 'a dataspace has at most 500 pending invitations' using errcode = '55000';
  end if;

  update public.invitations i
  set role = p_role, expires_at = now() + p_ttl, invited_by_identity_id = actor
  where i.dataspace_id = place.id and i.meeting_id is not distinct from p_meeting and i.invitee_email = v_email
    and i.status = 'pending'
  returning * into inv;
  if inv.id is null then
    insert into public.invitations (identity_id, dataspace_id, meeting_id, role, invitee_email, invited_by_identity_id,
                                    expires_at)
    values (place.identity_id, place.id, p_meeting, p_role, v_email, actor, now() + p_ttl)
    returning * into inv;
  end if;
  perform private.audit_sharing(place.identity_id, actor, 'invitation.created', 'invitation', inv.id,
    jsonb_build_object('dataspace_id', place.id, 'meeting_id', p_meeting, 'role', p_role,
                       'expires_at', inv.expires_at));

  select i.name into actor_name from public.identities i where i.id = actor;
  insert into public.notifications (identity_id, kind, title, data)
  select x.id, 'invitation.received',
         left(format('%s invited you to %s "%s" (%s)', actor_name,
                     case when p_meeting is null then 'the dataspace' else 'the meeting' end,
                     coalesce(mt.title, place.name), p_role), 200),
         jsonb_build_object('invitation_id', inv.id, 'role', p_role,
                            'to', case when p_meeting is null then 'dataspace' else 'meeting' end)
  from auth.users u join public.identities x on x.user_id = u.id
  where lower(u.email) = v_email and u.email_confirmed_at is not null;
  return inv;
end;
$$;
grant execute on function private.invite(p_dataspace uuid, p_meeting uuid, p_email text, p_role text, p_ttl interval) to authenticated, service_role;

/**
 * Ids of the meetings a participant row gives the active identity a seat in (rank 1 for a viewer,
 * 2 otherwise) with at least rank `p_min`, while the meeting is scheduled or live: ending or
 * cancelling a meeting ends what it gave its invitees.
 */
create function private.invited_meeting_ids(p_min integer)
 returns uuid[]
 language plpgsql
 stable security definer
 set search_path to ''
as $$
declare
  active uuid := private.active_identity_id();
begin
  return coalesce((select array_agg(distinct p.meeting_id)
                   from public.meeting_participants p
                   join public.meetings m on m.id = p.meeting_id
                   where p.participant_identity_id = active and m.status in ('scheduled', 'live')
                     and case p.role when 'viewer' then 1 else 2 end >= p_min), '{}');
end;
$$;
grant execute on function private.invited_meeting_ids(p_min integer) to authenticated, service_role;

/** Ids of the threads of the meetings `private.invited_meeting_ids(p_min)` names. */
create function private.invited_thread_ids(p_min integer)
 returns uuid[]
 language plpgsql
 stable security definer
 set search_path to ''
as $$
declare
  active uuid := private.active_identity_id();
begin
  return coalesce((select array_agg(distinct m.thread_id)
                   from public.meeting_participants p
                   join public.meetings m on m.id = p.meeting_id
                   where p.participant_identity_id = active and m.status in ('scheduled', 'live')
                     and m.thread_id is not null
                     and case p.role when 'viewer' then 1 else 2 end >= p_min), '{}');
end;
$$;
grant execute on function private.invited_thread_ids(p_min integer) to authenticated, service_role;

/**
 * The members of a dataspace as a member sees them: the owner first (role 'owner', no membership
 * id), then each member's identity name, colour and kind with its role. Never a user id or e-mail.
 */
create function private.list_members(p_dataspace uuid)
 returns table(membership_id uuid, identity_id uuid, name text, color text, kind text, role text, via_link boolean, created_at timestamptz, updated_at timestamptz)
 language plpgsql
 stable security definer
 set search_path to ''
as $$
declare
  place public.dataspaces := private.sharing_place(p_dataspace, private.active_identity_id(), 1);
begin
  return query
    select null::uuid, i.id, i.name, i.color, i.kind, 'owner'::text, false, place.created_at, place.created_at
    from public.identities i where i.id = place.identity_id
    union all
    (select m.id, i.id, i.name, i.color, i.kind, m.role, m.via_link_id is not null, m.created_at, m.updated_at
     from public.dataspace_members m join public.identities i on i.id = m.member_identity_id
     where m.dataspace_id = place.id
     order by private.role_rank(m.role) desc, i.name, m.id);
end;
$$;
grant execute on function private.list_members(p_dataspace uuid) to authenticated, service_role;

/** The signed-in user's confirmed e-mail, lower-case (null when unconfirmed): whose invitations are theirs. */
create function private.my_email()
 returns text
 language plpgsql
 stable security definer
 set search_path to ''
as $$
begin
  return (select lower(u.email) from auth.users u
          where u.id = (select auth.uid()) and u.email_confirmed_at is not null);
end;
$$;
grant execute on function private.my_email() to authenticated, service_role;

/**
 * The invitations addressed to the signed-in user's confirmed e-mail (any of their identities sees
 * the inbox), newest first, with what the invitee needs to decide: the place's name, the meeting's
 * title and time, who invited, the role. `status` reads 'expired' for a pending one past its expiry.
 */
create function private.my_invitations(p_status text default null::text)
 returns table(id uuid, dataspace_id uuid, dataspace_name text, meeting_id uuid, meeting_title text, meeting_scheduled_at timestamptz, role text, status text, invited_by_name text, accepted_identity_id uuid, expires_at timestamptz, created_at timestamptz)
 language plpgsql
 stable security definer
 set search_path to ''
as $$
declare
  v_email text := private.my_email();
begin
  if v_email is null then
    return;
  end if;
  return query
    select i.id, i.dataspace_id, d.name, i.meeting_id, m.title, m.scheduled_at, i.role,
           case when i.status = 'pending' and i.expires_at <= now() then 'expired' else i.status end,
           x.name,
           -- the accepting identity is shown to its own user only
           case when a.user_id = (select auth.uid()) then i.accepted_identity_id end,
           i.expires_at, i.created_at
    from public.invitations i
    join public.dataspaces d on d.id = i.dataspace_id
    left join public.meetings m on m.id = i.meeting_id
    left join public.identities x on x.id = i.invited_by_identity_id
    left join public.identities a on a.id = i.accepted_identity_id
    where i.invitee_email = v_email
      and (p_status is null
           or p_status = case when i.status = 'pending' and i.expires_at <= now() then 'expired' else i.status end)
    order by i.created_at desc, i.id desc
    limit 200;
end;
$$;
grant execute on function private.my_invitations(p_status text) to authenticated, service_role;

/** Ids of the participant rows naming the active identity (its assigned meeting tasks reach it). */
create function private.my_participant_ids()
 returns uuid[]
 language plpgsql
 stable security definer
 set search_path to ''
as $$
declare
  active uuid := private.active_identity_id();
begin
  return coalesce((select array_agg(p.id) from public.meeting_participants p
                   where p.participant_identity_id = active), '{}');
end;
$$;
grant execute on function private.my_participant_ids() to authenticated, service_role;

/** The active identity's role in a dataspace (`my_role` of the API): owner, host, editor, participant, viewer or null. */
create function private.my_role(p_dataspace uuid)
 returns text
 language sql
 stable
 set search_path to ''
as $$
  select private.dataspace_role(p_dataspace, private.active_identity_id())
$$;
grant execute on function private.my_role(p_dataspace uuid) to authenticated, service_role;

/**
 * Redeems a share link's token with `p_identity`, one of the signed-in user's identities (not the
 * tenant itself): a membership (or a meeting seat) with the link's role, raised but never lowered
 * if one exists. A token that is unknown, revoked, expired or used up is answered alike,
 * `{"redeemed": false}`, and the attempt still counts towards sharing_limits().redemptions_per_hour
 * (PT429 beyond), so tokens cannot be probed. Returns {redeemed, dataspace_id, meeting_id, role,
 * membership | participant}.
 */
create function private.redeem_share_link(p_token text, p_identity uuid)
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  actor uuid := private.sharing_actor();
  uid uuid := auth.uid();
  tries integer;
  link public.share_links;
  place public.dataspaces;
  mt public.meetings;
  member public.dataspace_members;
  seat public.meeting_participants;
  granted boolean;
begin
  perform pg_advisory_xact_lock(hashtextextended('link-redemptions:' || uid::text, 0));
  select count(*) into tries from private.link_redemption_attempts a
  where a.user_id = uid and a.at > now() - interval '1 hour';
  if tries >= (select l.redemptions_per_hour from private.sharing_limits() l) then
    raise exception 'too many link redemptions: at most % an hour',
      (select l.redemptions_per_hour from private.sharing_limits() l) using errcode = 'PT429';
  end if;
  insert into private.link_redemption_attempts (user_id) values (uid);
  if not exists (select 1 from public.identities i where i.id = p_identity and i.user_id = uid) then
    raise exception 'identity % not found', p_identity using errcode = 'P0002';
  end if;
  if coalesce(p_token, '') !~ '^chenu_link_[A-Za-z0-9_-]{43}$' then
    return jsonb_build_object('redeemed', false);
  end if;
  select l.* into link from public.share_links l
  where l.token_hash = encode(sha256(convert_to(p_token, 'UTF8')), 'hex') for update;
  if link.id is null or link.revoked_at is not null or link.expires_at <= now()
     or (link.max_uses is not null and link.uses >= link.max_uses) then
    return jsonb_build_object('redeemed', false);
  end if;
  select d.* into place from public.dataspaces d where d.id = link.dataspace_id;
  if link.meeting_id is not null then
    select m.* into mt from public.meetings m where m.id = link.meeting_id;
    if mt.status not in ('scheduled', 'live') then
      return jsonb_build_object('redeemed', false);
    end if;
  end if;
  if p_identity = link.identity_id then
    raise exception 'this identity owns the dataspace; redeem with another one' using errcode = '55000';
  end if;
  if link.meeting_id is null then
    select m.* into member from public.dataspace_members m
    where m.dataspace_id = place.id and m.member_identity_id = p_identity;
    granted := member.id is null or private.role_rank(link.role) > private.role_rank(member.role);
    member := private.grant_membership(place, p_identity, link.role, link.created_by_identity_id, link.id, 'link');
  else
    select p.* into seat from public.meeting_participants p
    where p.meeting_id = mt.id and p.participant_identity_id = p_identity;
    granted := seat.id is null or (seat.role = 'viewer' and link.role = 'participant');
    seat := private.grant_meeting_seat(mt, p_identity, link.role, link.id);
  end if;
  if granted then
    update public.share_links l set uses = l.uses + 1 where l.id = link.id;
  end if;
  perform private.audit(link.identity_id, 'link.redeemed', 'share_link', link.id,
    jsonb_build_object('dataspace_id', link.dataspace_id, 'meeting_id', link.meeting_id, 'role', link.role,
                       'identity_id', p_identity, 'granted', granted));
  perform private.audit(p_identity, 'link.redeemed', 'share_link', link.id,
    jsonb_build_object('dataspace_id', link.dataspace_id, 'meeting_id', link.meeting_id, 'role', link.role,
                       'granted', granted, 'by', actor));
  return jsonb_build_object('redeemed', true, 'dataspace_id', link.dataspace_id, 'meeting_id', link.meeting_id,
                            'role', link.role,
                            'membership', case when member.id is not null then to_jsonb(member) end,
                            'participant', case when seat.id is not null then to_jsonb(seat) || '{"email": null}'::jsonb end);
end;
$$;
grant execute on function private.redeem_share_link(p_token text, p_identity uuid) to authenticated, service_role;

/**
 * Ends membership `p_member`: a host removes anyone (the owner has no membership to remove), and a
 * member may leave. Effective for the next statement: RLS no longer opens the dataspace to it, and
 * rooms evict it within seconds (the access event of 20261206500300).
 */
create function private.remove_member(p_member uuid)
 returns void
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  actor uuid := private.sharing_actor();
  member public.dataspace_members;
  place public.dataspaces;
begin
  select m.* into member from public.dataspace_members m where m.id = p_member for update;
  if member.id is null then
    raise exception 'member % not found', p_member using errcode = 'P0002';
  end if;
  place := private.sharing_place(member.dataspace_id, actor, 1);
  if member.member_identity_id <> actor and private.dataspace_rank(private.dataspace_role(place.id, actor)) < 4 then
    raise exception 'your role in this dataspace cannot do this (needs host)' using errcode = '42501';
  end if;
  perform private.end_membership(member, actor, case when member.member_identity_id = actor then 'left' else 'removed' end);
end;
$$;
grant execute on function private.remove_member(p_member uuid) to authenticated, service_role;

/** Revokes a pending invitation: its inviter, a host (dataspace invitations) or an editor (meeting ones). */
create function private.revoke_invitation(p_invitation uuid)
 returns public.invitations
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  actor uuid := private.sharing_actor();
  inv public.invitations;
  my_rank integer;
begin
  select i.* into inv from public.invitations i where i.id = p_invitation for update;
  my_rank := private.dataspace_rank(private.dataspace_role(inv.dataspace_id, actor));
  if inv.id is null or my_rank is null then
    raise exception 'invitation % not found', p_invitation using errcode = 'P0002';
  end if;
  if inv.invited_by_identity_id is distinct from actor
     and my_rank < (case when inv.meeting_id is null then 4 else 3 end) then
    raise exception 'your role in this dataspace cannot do this' using errcode = '42501';
  end if;
  if inv.status <> 'pending' then
    raise exception 'the invitation was already %', inv.status using errcode = '55000';
  end if;
  update public.invitations i set status = 'revoked', decided_at = now() where i.id = inv.id returning * into inv;
  update public.notifications n set read_at = now()
  where n.kind = 'invitation.received' and n.data ->> 'invitation_id' = inv.id::text and n.read_at is null;
  perform private.audit_sharing(inv.identity_id, actor, 'invitation.revoked', 'invitation', inv.id,
    jsonb_build_object('dataspace_id', inv.dataspace_id, 'meeting_id', inv.meeting_id));
  return inv;
end;
$$;
grant execute on function private.revoke_invitation(p_invitation uuid) to authenticated, service_role;

/**
 * Revokes a link (its maker or a host; an editor for a meeting link): nobody can redeem it any more,
 * and everyone who joined through it leaves at once (memberships resting on it end, meeting seats
 * taken with it are cleared). Idempotent on an already revoked link.
 */
create function private.revoke_share_link(p_link uuid)
 returns public.share_links
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  actor uuid := private.sharing_actor();
  link public.share_links;
  my_rank integer;
  member public.dataspace_members;
begin
  select l.* into link from public.share_links l where l.id = p_link for update;
  my_rank := private.dataspace_rank(private.dataspace_role(link.dataspace_id, actor));
  if link.id is null or my_rank is null then
    raise exception 'link % not found', p_link using errcode = 'P0002';
  end if;
  if link.created_by_identity_id is distinct from actor
     and my_rank < (case when link.meeting_id is null then 4 else 3 end) then
    raise exception 'your role in this dataspace cannot do this' using errcode = '42501';
  end if;
  if link.revoked_at is not null then
    return link;
  end if;
  update public.share_links l set revoked_at = now() where l.id = link.id returning * into link;
  for member in select m.* from public.dataspace_members m where m.via_link_id = link.id loop
    perform private.end_membership(member, actor, 'link_revoked');
  end loop;
  update public.meeting_participants p set participant_identity_id = null
  where p.via_link_id = link.id and p.participant_identity_id is not null;
  perform private.audit_sharing(link.identity_id, actor, 'link.revoked', 'share_link', link.id,
    jsonb_build_object('dataspace_id', link.dataspace_id, 'meeting_id', link.meeting_id));
  return link;
end;
$$;
grant execute on function private.revoke_share_link(p_link uuid) to authenticated, service_role;

/** Ids of the dataspaces the active identity is a member of with at least rank `p_min`. */
create function private.shared_dataspace_ids(p_min integer)
 returns uuid[]
 language plpgsql
 stable security definer
 set search_path to ''
as $$
declare
  active uuid := private.active_identity_id();
begin
  return coalesce((select array_agg(m.dataspace_id) from public.dataspace_members m
                   where m.member_identity_id = active and private.role_rank(m.role) >= p_min), '{}');
end;
$$;
grant execute on function private.shared_dataspace_ids(p_min integer) to authenticated, service_role;

/**
 * The active identity, refused (42501) when the request has none or comes with an API key: sharing
 * is decided by a signed-in person.
 */
create function private.sharing_actor()
 returns uuid
 language plpgsql
 stable security definer
 set search_path to ''
as $$
declare
  active uuid := private.active_identity_id();
begin
  if active is null or (select private.is_api_key_request()) then
    raise exception 'sharing is decided by a signed-in person acting as one of their identities'
      using errcode = '42501';
  end if;
  return active;
end;
$$;

/** Rate limits: invitations a user sends an hour, link redemptions a user tries an hour. */
create function private.sharing_limits(out invitations_per_hour integer, out redemptions_per_hour integer)
 returns record
 language sql
 immutable
 set search_path to ''
as $$ select 50, 30 $$;

/**
 * The dataspace `p_dataspace` as its manager sees it: not found (P0002) when the actor has no role
 * there (or it does not exist), forbidden (42501) when its role ranks below `p_min` (5 = owner).
 */
create function private.sharing_place(p_dataspace uuid, p_actor uuid, p_min integer)
 returns public.dataspaces
 language plpgsql
 stable security definer
 set search_path to ''
as $$
declare
  place public.dataspaces;
  my_rank integer := private.dataspace_rank(private.dataspace_role(p_dataspace, p_actor));
begin
  select d.* into place from public.dataspaces d where d.id = p_dataspace;
  if place.id is null or my_rank is null then
    raise exception 'dataspace % not found', p_dataspace using errcode = 'P0002';
  end if;
  if my_rank < p_min then
    raise exception 'your role in this dataspace cannot do this (needs %)',
      case p_min when 5 then 'the owner' when 4 then 'host' when 3 then 'editor' when 2 then 'participant'
                 else 'viewer' end
      using errcode = '42501';
  end if;
  return place;
end;
$$;

/**
 * Writes into a shared dataspace land with the TENANT identity: a BEFORE INSERT trigger copies
 * `identity_id` from the row's parent (named by the trigger argument: dataspace, thread, workspace,
 * panel, meeting, room, memory_item), so a member's insert needs no identity from the API and the
 * composite foreign keys hold; RLS WITH CHECK then decides whether the active identity may write
 * there. Security invoker on purpose: the parent is read as the writer, so a parent it cannot see
 * leaves `identity_id` as it was (the foreign key then refuses, as before: no existence oracle).
 * Only a client's own statement (role `authenticated`) is stamped: server functions and the
 * server's connection bypass RLS, so they keep the identity they name and the composite foreign key
 * keeps refusing another identity's parent (their guard), as private.stamp_actor does.
 * Authors stay stamped from the active identity (private.stamp_actor).
 */
create function private.stamp_tenant()
 returns trigger
 language plpgsql
 set search_path to ''
as $$
declare
  parent uuid;
begin
  if current_user <> 'authenticated' then
    return new;
  end if;
  -- a case statement, not an expression: each branch reads only its own table's fields
  case tg_argv[0]
    when 'dataspace' then
      select d.identity_id into parent from public.dataspaces d where d.id = new.dataspace_id;
    when 'thread' then
      select t.identity_id into parent from public.threads t where t.id = new.thread_id;
    when 'workspace' then
      select w.identity_id into parent from public.workspaces w where w.id = new.workspace_id;
    when 'panel' then
      select p.identity_id into parent from public.panels p where p.id = new.panel_id;
    when 'meeting' then
      select m.identity_id into parent from public.meetings m where m.id = new.meeting_id;
    when 'room' then
      select r.identity_id into parent from public.xr_rooms r where r.id = new.room_id;
    when 'memory_item' then
      select m.identity_id into parent from public.memory_items m where m.id = new.memory_item_id;
    else
      raise exception 'stamp_tenant: unknown parent %', tg_argv[0];
  end case;
  if parent is not null then
    new.identity_id := parent;
  end if;
  return new;
end;
$$;
grant execute on function private.stamp_tenant() to authenticated, service_role;
