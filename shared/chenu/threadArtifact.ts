/**
 * The `.chenu` thread artifact: a thread exported as one versioned JSON document (its messages,
 * decisions, agent executions, budget and the head of the exporting identity's audit chain), to be
 * imported into another dataspace. Runs in browser, Node and Deno.
 */
import { z } from 'zod';

/** The `format` every `.chenu` thread document carries. */
export const CHENU_THREAD_FORMAT = 'chenu.thread';
/** The schema version this build writes and reads. */
export const CHENU_SCHEMA_VERSION = 1;

const Uuid = z.uuid();
const Timestamp = z.iso.datetime({ offset: true });
const Count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A message of the thread. */
export const ChenuMessage = z.strictObject({
  id: Uuid,
  authorKind: z.enum(['human', 'agent', 'system']),
  authorIdentityId: Uuid.nullable(),
  agentExecutionId: Uuid.nullable(),
  body: z.string().min(1).max(20000),
  createdAt: Timestamp,
});

/** A decision of the thread, optionally from one of its messages. */
export const ChenuDecision = z.strictObject({
  id: Uuid,
  messageId: Uuid.nullable(),
  title: z.string().min(1).max(300),
  rationale: z.string().max(10000),
  status: z.enum(['proposed', 'accepted', 'rejected', 'superseded']),
  decidedAt: Timestamp.nullable(),
  createdAt: Timestamp,
});

/** An agent run in the thread; the agent is named by its slug (ids differ between deployments). */
export const ChenuExecution = z.strictObject({
  id: Uuid,
  agentSlug: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/),
  status: z.enum([
    'pending',
    'encoding',
    'validating',
    'estimating',
    'reserved',
    'locked',
    'matched',
    'running',
    'assembling',
    'settling',
    'succeeded',
    'failed',
    'refused',
  ]),
  intentText: z.string().min(1).max(20000),
  taskType: z.string().regex(/^[a-z][a-z0-9_]{2,62}$/),
  stages: z.array(z.unknown()),
  tokensEstimated: Count,
  tokensReserved: Count,
  tokensUsed: Count,
  result: z.unknown().nullable(),
  error: z.unknown().nullable(),
  startedAt: Timestamp.nullable(),
  finishedAt: Timestamp.nullable(),
  createdAt: Timestamp,
});

/** The thread's budget: its own limit, what it consumed, and the ledger budgets on it. */
export const ChenuBudget = z.strictObject({
  tokenBudget: Count.nullable(),
  tokensConsumed: Count,
  budgets: z.array(
    z.strictObject({
      period: z.enum(['daily', 'weekly', 'monthly', 'project', 'unlimited']),
      amount: Count,
      spent: Count,
      reserved: Count,
      periodStart: Timestamp,
      periodEnd: Timestamp.nullable(),
      timeZone: z.string().min(1).max(64),
    }),
  ),
});

/** The exporting identity's audit chain head when the export was written (the export is its last link). */
export const ChenuAuditHead = z.strictObject({
  identityId: Uuid,
  seq: z.number().int().positive(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});

/** A `.chenu` thread document, version 1. */
export const ChenuThreadArtifact = z
  .strictObject({
    format: z.literal(CHENU_THREAD_FORMAT),
    schemaVersion: z.literal(CHENU_SCHEMA_VERSION),
    exportedAt: Timestamp,
    source: z.strictObject({ threadId: Uuid, dataspaceId: Uuid, identityId: Uuid }),
    thread: z.strictObject({
      title: z.string().min(1).max(200),
      status: z.enum(['open', 'archived']),
      scopeLocked: z.boolean(),
      createdAt: Timestamp,
      lastActivityAt: Timestamp,
    }),
    messages: z.array(ChenuMessage).max(10000),
    decisions: z.array(ChenuDecision).max(10000),
    executions: z.array(ChenuExecution).max(10000),
    budget: ChenuBudget,
    audit: z.strictObject({ chainHead: ChenuAuditHead.nullable() }),
  })
  .superRefine((doc, ctx) => {
    // references inside the document must resolve inside it, and ids must be unique
    const messages = new Set(doc.messages.map((m) => m.id));
    const executions = new Set(doc.executions.map((e) => e.id));
    const unique = (ids: string[], key: 'messages' | 'decisions' | 'executions') => {
      if (new Set(ids).size !== ids.length)
        ctx.addIssue({ code: 'custom', path: [key], message: `duplicate ${key} id` });
    };
    unique(
      doc.messages.map((m) => m.id),
      'messages',
    );
    unique(
      doc.decisions.map((d) => d.id),
      'decisions',
    );
    unique(
      doc.executions.map((e) => e.id),
      'executions',
    );
    doc.decisions.forEach((d, i) => {
      if (d.messageId !== null && !messages.has(d.messageId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['decisions', i, 'messageId'],
          message: 'names no message of the thread',
        });
      }
    });
    doc.messages.forEach((m, i) => {
      if (m.agentExecutionId !== null && !executions.has(m.agentExecutionId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['messages', i, 'agentExecutionId'],
          message: 'names no execution of the thread',
        });
      }
    });
  });

/** A parsed `.chenu` thread document. */
export type ChenuThreadArtifact = z.infer<typeof ChenuThreadArtifact>;

/** The outcome of reading a document: the artifact, or why it is not one (every problem, with its path). */
export type ChenuParseResult =
  | { ok: true; artifact: ChenuThreadArtifact }
  | { ok: false; error: string; issues: { path: string; message: string }[] };

/**
 * Reads a `.chenu` thread document (a parsed JSON value or its text). Never throws: a malformed
 * document, an unknown format or another schema version comes back as `{ ok: false, error }` with
 * a message naming what is wrong and where.
 */
export function parseChenuThreadArtifact(input: unknown): ChenuParseResult {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input) as unknown;
    } catch (e) {
      return fail(`.chenu: not JSON (${e instanceof Error ? e.message : String(e)})`, []);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('.chenu: a thread document is a JSON object', []);
  }
  const head = value as { format?: unknown; schemaVersion?: unknown };
  if (head.format !== CHENU_THREAD_FORMAT) {
    return fail(`.chenu: format must be "${CHENU_THREAD_FORMAT}", got ${JSON.stringify(head.format)}`, []);
  }
  if (head.schemaVersion !== CHENU_SCHEMA_VERSION) {
    return fail(
      `.chenu: unsupported schema version ${JSON.stringify(head.schemaVersion)} (this build reads ${CHENU_SCHEMA_VERSION})`,
      [],
    );
  }
  const parsed = ChenuThreadArtifact.safeParse(value);
  if (parsed.success) return { ok: true, artifact: parsed.data };
  const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
  const shown = issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`);
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  return fail(`.chenu: invalid thread document: ${shown.join('; ')}${more}`, issues);
}

function fail(error: string, issues: { path: string; message: string }[]): ChenuParseResult {
  return { ok: false, error, issues };
}
