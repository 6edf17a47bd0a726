/**
 * Sign-up also opens the default identity's token account (empty), so a new user's first governed
 * run is refused for an insufficient balance rather than a missing account, and grants and
 * allocations have an account to land in.
 */
create or replace function private.provision_user(p_user_id uuid, p_email text, p_display_name text)
returns public.identities
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  ident public.identities;
begin
  insert into public.users (id, email, display_name) values (p_user_id, p_email, p_display_name);
  insert into public.identities (user_id, name, kind, is_default)
  values (p_user_id, p_display_name, 'personal', true)
  returning * into ident;
  insert into public.token_accounts (kind, identity_id, user_id) values ('identity', ident.id, p_user_id);
  perform private.audit(ident.id, 'identity.created', 'identity', ident.id, '{"by":"sign-up"}'::jsonb);
  return ident;
end;
$$;
