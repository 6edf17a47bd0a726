/**
 * Agent Compatibility Matrix (pipeline step 7): picks the agent that fits a task type in a sphere
 * kind × domain kind best, honouring each candidate's constraints, or refuses with the reason every
 * candidate was turned down. Pure: agents and matrix rows are passed in.
 */
import {
  AcmRowSchema,
  AgentSchema,
  type AcmConstraints,
  type Agent,
  type AcmRow,
  type DOMAIN_KINDS,
  type SPHERE_KINDS,
} from './schemas.ts';

/** What the run needs from an agent. */
export interface MatchRequest {
  sphereKind: (typeof SPHERE_KINDS)[number];
  domainKind: (typeof DOMAIN_KINDS)[number];
  taskType: string;
  /** The scope (its locked memory) holds sensitive items: external agents are refused (memory law 8). */
  scopeHasSensitiveMemory: boolean;
  /** Providers this deployment can run (an external agent needs its HTTP provider configured). */
  availableProviders: readonly Agent['provider'][];
  /** The EQS of the encoded intent, checked against a row's `min_eqs` constraint. */
  eqs?: number;
  /** A caller-chosen agent (`POST /agents/{id}/execute`): only it is considered. */
  agentId?: string;
  /** Lowest acceptable matrix score. */
  minScore?: number;
}

/** Why one candidate was turned down. */
export interface Rejection {
  agentId: string;
  slug: string;
  reason: string;
}

/** The matcher's verdict. */
export type MatchResult =
  | {
      ok: true;
      agent: Agent;
      score: number;
      constraints: AcmConstraints;
      /** Every agent that fits, best first (the estimate prices the dearest of them). */
      candidates: Agent[];
      rejected: Rejection[];
    }
  | { ok: false; code: 'no_compatible_agent'; reason: string; rejected: Rejection[] };

/** Default lowest score an agent needs to be picked. */
export const DEFAULT_MIN_SCORE = 0.5;

/** Parses catalog rows once (bad rows throw a zod error naming the field). */
export function parseCatalog(
  agents: readonly unknown[],
  matrix: readonly unknown[],
): { agents: Agent[]; matrix: AcmRow[] } {
  return {
    agents: agents.map((a) => AgentSchema.parse(a)),
    matrix: matrix.map((r) => AcmRowSchema.parse(r)),
  };
}

/** Why `agent` with matrix `row` cannot run the request, or null when it can. */
function refusal(agent: Agent, row: AcmRow | undefined, req: MatchRequest, minScore: number): string | null {
  if (!agent.active) return 'agent is retired';
  if (!agent.task_types.includes(req.taskType)) return `agent does not do ${req.taskType}`;
  if (!agent.sphere_kinds.includes(req.sphereKind)) return `agent does not serve ${req.sphereKind} spheres`;
  if (!agent.domain_kinds.includes(req.domainKind))
    return `agent does not serve the ${req.domainKind} domain`;
  if (!row) return `no matrix entry for ${req.sphereKind} × ${req.domainKind} × ${req.taskType}`;
  if (row.score < minScore) return `score ${row.score} is below ${minScore}`;
  const external = agent.external || row.constraints.external === true;
  if (external && req.scopeHasSensitiveMemory) {
    return 'memory law 8: the scope holds sensitive memory and the agent is external';
  }
  if (!req.availableProviders.includes(agent.provider)) return `provider ${agent.provider} is not configured`;
  if (row.constraints.min_eqs !== undefined && req.eqs !== undefined && req.eqs < row.constraints.min_eqs) {
    return `EQS ${req.eqs} is below the agent's minimum ${row.constraints.min_eqs}`;
  }
  return null;
}

/**
 * Picks the best agent: highest matrix score, then built-in before external, then slug. Refuses
 * (never throws) when no candidate fits, listing each rejection.
 */
export function matchAgent(
  agentRows: readonly unknown[],
  matrixRows: readonly unknown[],
  req: MatchRequest,
): MatchResult {
  const { agents, matrix } = parseCatalog(agentRows, matrixRows);
  const minScore = req.minScore ?? DEFAULT_MIN_SCORE;
  const rowOf = new Map<string, AcmRow>();
  for (const row of matrix) {
    if (
      row.sphere_kind === req.sphereKind &&
      row.domain_kind === req.domainKind &&
      row.task_type === req.taskType
    ) {
      rowOf.set(row.agent_id, row);
    }
  }
  const candidates = req.agentId ? agents.filter((a) => a.id === req.agentId) : agents;
  if (req.agentId && candidates.length === 0) {
    return {
      ok: false,
      code: 'no_compatible_agent',
      reason: `agent ${req.agentId} does not exist or is retired`,
      rejected: [],
    };
  }
  const rejected: Rejection[] = [];
  const fits: { agent: Agent; row: AcmRow }[] = [];
  for (const agent of candidates) {
    const row = rowOf.get(agent.id);
    const why = refusal(agent, row, req, minScore);
    if (why) rejected.push({ agentId: agent.id, slug: agent.slug, reason: why });
    else fits.push({ agent, row: row! });
  }
  fits.sort(
    (a, b) =>
      b.row.score - a.row.score ||
      Number(a.agent.external) - Number(b.agent.external) ||
      a.agent.slug.localeCompare(b.agent.slug),
  );
  const best = fits[0];
  if (!best) {
    const relevant = rejected.filter((r) => !r.reason.startsWith('agent does not do'));
    const reason =
      relevant.length > 0
        ? `no agent fits ${req.taskType} in ${req.sphereKind} × ${req.domainKind}: ${relevant.map((r) => `${r.slug}: ${r.reason}`).join('; ')}`
        : `no agent does ${req.taskType} in ${req.sphereKind} × ${req.domainKind}`;
    return { ok: false, code: 'no_compatible_agent', reason, rejected };
  }
  return {
    ok: true,
    agent: best.agent,
    score: best.row.score,
    constraints: best.row.constraints,
    candidates: fits.map((f) => f.agent),
    rejected,
  };
}
