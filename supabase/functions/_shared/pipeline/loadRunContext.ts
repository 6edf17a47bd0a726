/**
 * The validation reads of a run, made AS the request (withUser, so RLS decides reachability): the
 * active identity, the scope (thread and/or dataspace with its sphere and domain kinds), the encoding
 * profile and its rules, the agent catalog and matrix for the scope's kinds, and how much content the
 * scope holds (for the estimate and for memory law 8 at matching time).
 */
import type { RunPlanContext, ScopeSizes } from '../../../../shared/pipeline/planRun.ts';
import type { Tx } from '../dataAccess.ts';

/** The scope a run acts in, as the active identity sees it. */
export interface RunScope {
  identityId: string;
  /** The dataspace's owner: the run's rows are its (the tenant); the runner pays. */
  ownerIdentityId: string;
  /** The runner's role in the dataspace: 'owner', a member's role, or null (an elevation). */
  myRole: string | null;
  dataspaceId: string;
  threadId: string | null;
  sphereId: string;
  domainId: string | null;
  sphereKind: string;
  domainKind: string;
  encodingProfileId: string | null;
}

/** Content sizes of the scope (what the estimate prices; shared/pipeline/planRun.ts). */
export type ScopeStats = ScopeSizes;

/** Everything validation read. */
export interface RunContext {
  scope: RunScope;
  stats: ScopeStats;
  profile: { id: string; slug: string; rules: unknown; compression_target: number };
  rules: unknown[];
  agents: unknown[];
  matrix: unknown[];
}

/** What planRun plans from: the reads of the run, and the provider kinds this deployment runs. */
export function planContextOf(
  ctx: RunContext,
  availableProviders: RunPlanContext['availableProviders'],
): RunPlanContext {
  const { scope, stats: sizes, profile, rules, agents, matrix } = ctx;
  return { scope, sizes, profile, rules, agents, matrix, availableProviders };
}

/** The active identity of the request, or null when the claim names none of the user's identities. */
export async function activeIdentity(tx: Tx): Promise<string | null> {
  const [row] = await tx<{ id: string | null }[]>`select private.active_identity_id() as id`;
  return row?.id ?? null;
}

/**
 * Reads the run's scope under RLS. Returns the unreachable scope instead when the thread or the
 * dataspace is not visible to the active identity (or the thread is not in the dataspace).
 */
export async function loadScope(
  tx: Tx,
  identityId: string,
  req: { dataspaceId?: string; threadId?: string },
): Promise<RunScope | { unreachable: { type: 'thread' | 'dataspace'; id: string } }> {
  const threadId = req.threadId ?? null;
  const [row] = await tx<
    {
      dataspace_id: string;
      thread_id: string | null;
      sphere_id: string;
      domain_id: string | null;
      owner_identity_id: string;
      my_role: string | null;
      sphere_kind: string;
      domain_kind: string;
      encoding_profile_id: string | null;
    }[]
  >`
    select d.id as dataspace_id, t.id as thread_id, d.sphere_id, d.domain_id, k.owner_identity_id, k.my_role,
           k.sphere_kind, k.domain_kind, t.encoding_profile_id
    from public.dataspaces d
    cross join lateral private.run_place(d.id) k
    left join public.threads t on t.id = ${threadId}::uuid and t.dataspace_id = d.id
    where d.id = coalesce(${req.dataspaceId ?? null}::uuid,
                          (select t2.dataspace_id from public.threads t2 where t2.id = ${threadId}::uuid))`;
  if (!row) {
    return req.dataspaceId
      ? { unreachable: { type: 'dataspace', id: req.dataspaceId } }
      : { unreachable: { type: 'thread', id: threadId! } };
  }
  if (threadId && !row.thread_id) return { unreachable: { type: 'thread', id: threadId } };
  return {
    identityId,
    ownerIdentityId: row.owner_identity_id,
    myRole: row.my_role,
    dataspaceId: row.dataspace_id,
    threadId: row.thread_id,
    sphereId: row.sphere_id,
    domainId: row.domain_id,
    sphereKind: row.sphere_kind,
    domainKind: row.domain_kind,
    encodingProfileId: row.encoding_profile_id,
  };
}

/** The catalog rows a run reads (the same for every identity: catalog tables). */
interface Catalog {
  profile: RunContext['profile'] | null;
  rules: unknown[];
  agents: unknown[];
  matrix: unknown[];
}

/**
 * Catalog rows (encoding profile and rules, agents, compatibility matrix) kept for `ttlMs`, keyed by
 * the profile asked for and the scope's kinds, so runs do not re-read tables that change rarely.
 * A catalog edit reaches runs within `ttlMs`.
 */
export class CatalogCache {
  private readonly entries = new Map<string, { until: number; catalog: Catalog }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async get(key: string, load: () => Promise<Catalog | undefined>): Promise<Catalog | undefined> {
    const hit = this.entries.get(key);
    const t = this.now();
    if (hit && hit.until > t) return hit.catalog;
    const catalog = await load();
    // a missing profile is not cached: creating it takes effect at once
    if (catalog?.profile && this.ttlMs > 0) this.entries.set(key, { until: t + this.ttlMs, catalog });
    return catalog;
  }
}

/**
 * Reads the profile (explicit, the thread's, else the default), catalogs and content sizes. With a
 * `cache`, the catalog rows come from it while fresh; content sizes are always read.
 */
export async function loadRunContext(
  tx: Tx,
  scope: RunScope,
  profileId?: string,
  cache?: CatalogCache,
  knownStats?: ScopeStats,
): Promise<RunContext | { missingProfile: string }> {
  const readCatalog = async () => {
    const [row] = await tx<Catalog[]>`
    with p as (
      select p.id, p.slug, p.rules, p.compression_target from public.encoding_profiles p
      where p.id = coalesce(${profileId ?? null}::uuid, ${scope.encodingProfileId}::uuid,
                            (select d.id from public.encoding_profiles d where d.is_default))
    )
    select (select to_jsonb(p) from p) as profile,
           coalesce((select jsonb_agg(to_jsonb(r) order by r.position) from public.encoding_rules r
                     where r.profile_id = (select p.id from p)), '[]') as rules,
           coalesce((select jsonb_agg(to_jsonb(a) order by a.slug) from (
             select id, slug, name, provider, model, task_types, sphere_kinds, domain_kinds, cost_per_1k_tokens,
                    max_tokens, context_tokens, external, active
             from public.agents where active) a), '[]') as agents,
           coalesce((select jsonb_agg(to_jsonb(m)) from (
             select agent_id, sphere_kind, domain_kind, task_type, score, constraints
             from public.agent_compatibility_matrix
             where sphere_kind = ${scope.sphereKind} and domain_kind = ${scope.domainKind}) m), '[]') as matrix`;
    return row;
  };
  const catalog = cache
    ? await cache.get(
        [profileId ?? '', scope.encodingProfileId ?? '', scope.sphereKind, scope.domainKind].join('|'),
        readCatalog,
      )
    : await readCatalog();
  if (!catalog?.profile) return { missingProfile: profileId ?? scope.encodingProfileId ?? 'default' };
  if (knownStats) {
    return {
      scope,
      stats: knownStats,
      profile: catalog.profile,
      rules: catalog.rules,
      agents: catalog.agents,
      matrix: catalog.matrix,
    };
  }
  const [stats] = await tx<
    {
      messages: number;
      decisions: number;
      notes: number;
      lines: number;
      memory: number;
      sensitive: boolean;
    }[]
  >`
    select
      (select count(*)::int from public.messages m where m.thread_id = ${scope.threadId}::uuid) as messages,
      (select count(*)::int from public.decisions d where d.thread_id = ${scope.threadId}::uuid) as decisions,
      (select count(*)::int from public.meeting_notes n join public.meetings mt on mt.id = n.meeting_id
        where mt.dataspace_id = ${scope.dataspaceId}) as notes,
      (select count(*)::int from public.estimate_line_items li
        join public.construction_estimates e on e.id = li.estimate_id
        join public.construction_projects p on p.id = e.project_id
        where p.dataspace_id = ${scope.dataspaceId}) as lines,
      m.memory, m.sensitive
    from (select count(*)::int as memory, coalesce(bool_or(mi.sensitive), false) as sensitive
          from public.memory_items mi
          where mi.dataspace_id = ${scope.dataspaceId} and mi.status = 'committed'
            and (mi.expires_at is null or mi.expires_at > now())
            and (${scope.threadId}::uuid is null or mi.thread_id is null or mi.thread_id = ${scope.threadId}::uuid)) m`;
  return {
    scope,
    stats: {
      messages: stats!.messages,
      decisions: stats!.decisions,
      meetingNotes: stats!.notes,
      lineItems: stats!.lines,
      memory: stats!.memory,
      sensitiveMemory: stats!.sensitive,
    },
    profile: catalog.profile,
    rules: catalog.rules,
    agents: catalog.agents,
    matrix: catalog.matrix,
  };
}

/** What a run reads first, as the request: who acts, an earlier run under its key, the scope and its sizes. */
export interface RunStart<Existing> {
  identityId: string | null;
  existing: Existing | null;
  scope: RunScope | { unreachable: { type: 'thread' | 'dataspace'; id: string } };
  stats: ScopeStats | null;
}

/**
 * The active identity, the run already recorded under `key` (if any), the scope (as loadScope) and
 * its content sizes (as loadRunContext), in one round trip under RLS.
 */
export async function loadRunStart<Existing>(
  tx: Tx,
  key: string,
  req: { dataspaceId?: string; threadId?: string },
): Promise<RunStart<Existing>> {
  const threadId = req.threadId ?? null;
  const [row] = await tx<
    {
      identity_id: string | null;
      existing: Existing | null;
      scope: {
        dataspace_id: string;
        thread_id: string | null;
        sphere_id: string;
        domain_id: string | null;
        owner_identity_id: string;
        my_role: string | null;
        sphere_kind: string;
        domain_kind: string;
        encoding_profile_id: string | null;
      } | null;
      stats: {
        messages: number;
        decisions: number;
        notes: number;
        lines: number;
        memory: number;
        sensitive: boolean;
      } | null;
    }[]
  >`
    with sc as (
      select d.id as dataspace_id, t.id as thread_id, d.sphere_id, d.domain_id, k.owner_identity_id, k.my_role,
             k.sphere_kind, k.domain_kind, t.encoding_profile_id
      from public.dataspaces d
      cross join lateral private.run_place(d.id) k
      left join public.threads t on t.id = ${threadId}::uuid and t.dataspace_id = d.id
      where d.id = coalesce(${req.dataspaceId ?? null}::uuid,
                            (select t2.dataspace_id from public.threads t2 where t2.id = ${threadId}::uuid))
    )
    select private.active_identity_id() as identity_id,
           (select to_jsonb(e) from (
              select id, status, request_hash, result, error, stages, tokens_estimated, tokens_reserved, tokens_used
              from public.agent_executions
              where runner_identity_id = (select private.active_identity_id()) and idempotency_key = ${key}) e) as existing,
           (select to_jsonb(sc) from sc) as scope,
           (select jsonb_build_object(
              'messages', (select count(*)::int from public.messages m where m.thread_id = sc.thread_id),
              'decisions', (select count(*)::int from public.decisions d where d.thread_id = sc.thread_id),
              'notes', (select count(*)::int from public.meeting_notes n join public.meetings mt on mt.id = n.meeting_id
                        where mt.dataspace_id = sc.dataspace_id),
              'lines', (select count(*)::int from public.estimate_line_items li
                        join public.construction_estimates e on e.id = li.estimate_id
                        join public.construction_projects p on p.id = e.project_id
                        where p.dataspace_id = sc.dataspace_id),
              'memory', m.memory, 'sensitive', m.sensitive)
            from sc, lateral (
              select count(*)::int as memory, coalesce(bool_or(mi.sensitive), false) as sensitive
              from public.memory_items mi
              where mi.dataspace_id = sc.dataspace_id and mi.status = 'committed'
                and (mi.expires_at is null or mi.expires_at > now())
                and (sc.thread_id is null or mi.thread_id is null or mi.thread_id = sc.thread_id)) m) as stats`;
  const identityId = row?.identity_id ?? null;
  const base = { identityId, existing: row?.existing ?? null };
  const sc = row?.scope;
  if (!sc) {
    return {
      ...base,
      stats: null,
      scope: req.dataspaceId
        ? { unreachable: { type: 'dataspace', id: req.dataspaceId } }
        : { unreachable: { type: 'thread', id: threadId! } },
    };
  }
  if (threadId && !sc.thread_id) {
    return { ...base, stats: null, scope: { unreachable: { type: 'thread', id: threadId } } };
  }
  const st = row.stats!;
  return {
    ...base,
    scope: {
      identityId: identityId ?? '',
      ownerIdentityId: sc.owner_identity_id,
      myRole: sc.my_role,
      dataspaceId: sc.dataspace_id,
      threadId: sc.thread_id,
      sphereId: sc.sphere_id,
      domainId: sc.domain_id,
      sphereKind: sc.sphere_kind,
      domainKind: sc.domain_kind,
      encodingProfileId: sc.encoding_profile_id,
    },
    stats: {
      messages: st.messages,
      decisions: st.decisions,
      meetingNotes: st.notes,
      lineItems: st.lines,
      memory: st.memory,
      sensitiveMemory: st.sensitive,
    },
  };
}
