import { randomUUID } from 'node:crypto';
import type { TransactionSql } from 'postgres';
import { describe, expect, it } from 'vitest';
import {
  ChenuError,
  exportThread,
  importThread,
} from '../../supabase/functions/_shared/chenu/threadArtifact.ts';
import { parseChenuThreadArtifact, type ChenuThreadArtifact } from '../../shared/chenu/threadArtifact.ts';
import { useDatabase } from '../helpers/db.ts';
import { asIdentity, SEED, seedId } from '../helpers/personas.ts';
import { inLedgerRollback } from '../ledger/ledgerRollback.ts';
import type { Scenario } from '../helpers/rollback.ts';

const { sql } = useDatabase(2);

const A1_THREAD = seedId('a1', '0004');
const A1_SPHERE = seedId('a1', '0001');
const B1_DATASPACE = seedId('b1', '0003');
const A1_DATASPACE = seedId('a1', '0003');

/** The content of a document without ids, sources and times that an import renews. */
function content(doc: ChenuThreadArtifact) {
  const msgIndex = new Map(doc.messages.map((m, i) => [m.id, i]));
  const execIndex = new Map(doc.executions.map((e, i) => [e.id, i]));
  return {
    thread: { title: doc.thread.title, status: doc.thread.status },
    tokenBudget: doc.budget.tokenBudget,
    messages: doc.messages.map((m) => ({
      authorKind: m.authorKind,
      body: m.body,
      createdAt: m.createdAt,
      execution: m.agentExecutionId === null ? null : execIndex.get(m.agentExecutionId),
    })),
    decisions: doc.decisions.map((d) => ({
      title: d.title,
      rationale: d.rationale,
      status: d.status,
      message: d.messageId === null ? null : msgIndex.get(d.messageId),
    })),
    executions: doc.executions.map((e) => ({ ...e, id: undefined })),
  };
}

const code = (s: Scenario, run: (tx: TransactionSql) => Promise<unknown>) =>
  s.tx.savepoint(run).then(
    () => ({ code: 'ok', message: '' }),
    (e: unknown) => (e instanceof ChenuError ? { code: e.code, message: e.message } : Promise.reject(e)),
  );

async function newDataspace(
  s: Scenario,
  identity: string = SEED.a1,
  user: string = SEED.alice,
  sphere = A1_SPHERE,
) {
  const id = randomUUID();
  await s.asOwner();
  await s.tx`insert into public.dataspaces (id, identity_id, user_id, sphere_id, name)
             values (${id}, ${identity}, ${user}, ${sphere}, 'Imported')`;
  return id;
}

describe('.chenu thread artifact', () => {
  it('round-trips a thread into another dataspace with new ids, audited, its chain intact', async () => {
    await inLedgerRollback(sql, async (s) => {
      const target = await newDataspace(s);
      await s.as(asIdentity('a1'));
      const doc = await exportThread(s.tx, A1_THREAD);
      expect(doc.messages.length).toBeGreaterThan(1);
      expect(doc.decisions.length).toBeGreaterThan(0);
      expect(doc.executions.length).toBeGreaterThan(0);
      expect(doc.budget.budgets.map((b) => b.period)).toEqual(['project']);
      const [last] = await s.tx`select seq::int, action, encode(hash, 'hex') as hash from public.audit_log
                                where identity_id = ${SEED.a1} order by seq desc limit 1`;
      expect(last!.action).toBe('chenu.export');
      expect(doc.audit.chainHead).toEqual({ identityId: SEED.a1, seq: last!.seq, hash: last!.hash });

      // through JSON text, as a file would carry it
      const text = JSON.stringify(doc);
      const result = await importThread(s.tx, target, text);
      expect(result).toMatchObject({
        messages: doc.messages.length,
        decisions: doc.decisions.length,
        executions: doc.executions.length,
        skippedExecutions: 0,
      });
      const copy = await exportThread(s.tx, result.threadId);
      expect(copy.source).toMatchObject({
        threadId: result.threadId,
        dataspaceId: target,
        identityId: SEED.a1,
      });
      expect(content(copy)).toEqual(content(doc));
      const oldIds = new Set([...doc.messages, ...doc.decisions, ...doc.executions].map((x) => x.id));
      expect([...copy.messages, ...copy.decisions, ...copy.executions].some((x) => oldIds.has(x.id))).toBe(
        false,
      );
      // consumption stays with the source's ledger; the import starts at zero
      expect(copy.budget.tokensConsumed).toBe(0);

      const [audit] = await s.tx`select payload from public.audit_log
                                 where identity_id = ${SEED.a1} and action = 'chenu.import' and entity_id = ${result.threadId}`;
      expect(audit!.payload).toMatchObject({
        source: doc.source,
        source_audit_head: doc.audit.chainHead,
        source_tokens_consumed: doc.budget.tokensConsumed,
      });
      const [chain] = await s.tx`select checked::int, first_broken_seq from private.verify_my_audit_chain()`;
      expect(chain).toMatchObject({ first_broken_seq: null });
    });
  });

  it('refuses malformed documents with an error naming the problem', async () => {
    await inLedgerRollback(sql, async (s) => {
      await s.as(asIdentity('a1'));
      const doc = await exportThread(s.tx, A1_THREAD);
      const cases: [unknown, RegExp][] = [
        ['{not json', /^\.chenu: not JSON/],
        [[], /a thread document is a JSON object/],
        [{ ...doc, format: 'zip' }, /format must be "chenu\.thread", got "zip"/],
        [{ ...doc, schemaVersion: 2 }, /unsupported schema version 2 \(this build reads 1\)/],
        [{ ...doc, thread: { ...doc.thread, title: '' } }, /thread\.title/],
        [{ ...doc, messages: [{ ...doc.messages[0]!, body: 42 }] }, /messages\.0\.body/],
        [
          { ...doc, decisions: [{ ...doc.decisions[0]!, messageId: randomUUID() }] },
          /decisions\.0\.messageId: names no message of the thread/,
        ],
        [{ ...doc, extra: true }, /unrecognized key/i],
      ];
      for (const [bad, message] of cases) {
        expect(parseChenuThreadArtifact(bad).ok).toBe(false);
        const r = await code(s, (tx) => importThread(tx, A1_DATASPACE, bad));
        expect(r.code, JSON.stringify(r)).toBe('validation_failed');
        expect(r.message).toMatch(message);
      }
    });
  });

  it("refuses a dataspace the identity can't reach, and threads it can't see", async () => {
    await inLedgerRollback(sql, async (s) => {
      const a2Target = await newDataspace(s, SEED.a2, SEED.alice, seedId('a2', '0001'));
      await s.as(asIdentity('a1'));
      const doc = await exportThread(s.tx, A1_THREAD);
      // another user's dataspace, and the same user's other identity's (cross-identity blocking)
      for (const target of [B1_DATASPACE, a2Target, randomUUID()]) {
        const r = await code(s, (tx) => importThread(tx, target, doc));
        expect(r).toEqual({
          code: 'forbidden',
          message: `dataspace ${target} is not reachable by the active identity`,
        });
      }
      await s.as(asIdentity('a2'));
      expect((await code(s, (tx) => exportThread(tx, A1_THREAD))).code).toBe('not_found');
      // nothing was imported anywhere
      await s.asOwner();
      const [n] = await s.tx`select count(*)::int as n from public.threads where title = ${doc.thread.title}`;
      expect(n!.n).toBe(1);
    });
  });
});
