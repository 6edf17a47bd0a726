/**
 * A pure TypeScript reference model of the token ledger (private.ledger_* in supabase/migrations):
 * what each operation must do to balances, holds, budgets, reservations and thread consumption,
 * and which error it must fail with. The generator in ledgerModel.test.ts runs the same operations
 * against the SQL functions and this model and compares them after every operation.
 *
 * Time is frozen (the SQL side runs in one transaction, where now() is constant), so budget
 * periods never roll over inside a run.
 */

export type ScopeType = 'identity' | 'sphere' | 'domain' | 'dataspace' | 'thread';
export type Scopes = Partial<Record<ScopeType, string>>;

export interface Budget {
  id: string;
  identity: string;
  scopeType: ScopeType;
  scopeId: string;
  period: 'monthly' | 'project' | 'unlimited';
  amount: number;
  spent: number;
  reserved: number;
  ended: boolean;
}

export interface Reservation {
  id: string;
  identity: string;
  amount: number;
  committed: number;
  status: 'open' | 'committed' | 'released' | 'expired';
  budgetIds: string[];
  threadId: string | null;
}

export type Op =
  | { kind: 'credit'; identity: string; amount: number; key: string }
  | { kind: 'debit'; identity: string; amount: number; key: string; scopes: Scopes }
  | { kind: 'reserve'; identity: string; amount: number; key: string; scopes: Scopes }
  | { kind: 'commit'; reservation: string; actual: number; key: string }
  | { kind: 'release'; reservation: string; key: string }
  | { kind: 'expire'; reservation: string }
  | { kind: 'transfer'; from: string; to: string; amount: number; key: string };

/** What an operation returned: ok with a result id (movement, reservation or sweep count), or a refusal. */
export type Outcome = { ok: true; result: string } | { ok: false; code: string; message?: string };

/** The error a model operation fails with; mirrors the SQLSTATE and message of the SQL function. */
class Refusal extends Error {
  constructor(
    readonly code: string,
    message = '',
  ) {
    super(message);
  }
}

/** Budget scopes from the narrowest: the one a refusal names when several refuse. */
const NARROW: readonly ScopeType[] = ['thread', 'dataspace', 'domain', 'sphere', 'identity'];

const refuse = (code: string, message = ''): never => {
  throw new Refusal(code, message);
};

export interface Snapshot {
  accounts: Record<string, { balance: number; reserved: number }>;
  budgets: Record<string, { spent: number; reserved: number }>;
  reservations: Record<string, { status: string; committed: number }>;
  threads: Record<string, number>;
}

/** The model. Ids of created movements/reservations come from the real run (`newId`). */
export class LedgerModel {
  readonly accounts = new Map<string, { balance: number; reserved: number }>();
  readonly budgets = new Map<string, Budget>();
  readonly reservations = new Map<string, Reservation>();
  readonly threads = new Map<string, number>();
  /** Per identity: idempotency key -> request fingerprint and first result. */
  private readonly keys = new Map<string, Map<string, { request: string; result: string }>>();

  addAccount(identity: string, balance = 0): void {
    this.accounts.set(identity, { balance, reserved: 0 });
  }

  addBudget(budget: Omit<Budget, 'spent' | 'reserved'>): void {
    this.budgets.set(budget.id, { ...budget, spent: 0, reserved: 0 });
  }

  addThread(id: string): void {
    this.threads.set(id, 0);
  }

  /**
   * Applies `op`; `newId` is the id the real run produced for a created row (movement or
   * reservation), so replays can be compared by id. Never throws: refusals are outcomes.
   */
  apply(op: Op, newId: string | null): Outcome {
    try {
      return { ok: true, result: this.run(op, newId ?? '') };
    } catch (error) {
      if (error instanceof Refusal) return { ok: false, code: error.code, message: error.message };
      throw error;
    }
  }

  snapshot(): Snapshot {
    const map = <V, R>(m: Map<string, V>, f: (v: V) => R) =>
      Object.fromEntries([...m].map(([k, v]) => [k, f(v)])) as Record<string, R>;
    return {
      accounts: map(this.accounts, (a) => ({ ...a })),
      budgets: map(this.budgets, (b) => ({ spent: b.spent, reserved: b.reserved })),
      reservations: map(this.reservations, (r) => ({ status: r.status, committed: r.committed })),
      threads: map(this.threads, (n) => n),
    };
  }

  private run(op: Op, newId: string): string {
    switch (op.kind) {
      case 'credit': {
        if (op.amount <= 0) refuse('22023');
        const acc = this.account(op.identity);
        const replay = this.replay(op.identity, op.key, this.fingerprint(op));
        if (replay !== null) return replay;
        acc.balance += op.amount;
        return this.remember(op.identity, op.key, this.fingerprint(op), newId);
      }
      case 'debit': {
        if (op.amount <= 0) refuse('22023');
        const scopes = this.scopes(op.identity, op.scopes);
        const acc = this.account(op.identity);
        const replay = this.replay(op.identity, op.key, this.fingerprint(op));
        if (replay !== null) return replay;
        this.available(op.identity, acc, op.amount);
        this.checkBudgets(this.applicable(op.identity, scopes), op.amount);
        for (const b of this.applicable(op.identity, scopes)) b.spent += op.amount;
        acc.balance -= op.amount;
        this.consume(scopes.thread ?? null, op.amount);
        return this.remember(op.identity, op.key, this.fingerprint(op), newId);
      }
      case 'reserve': {
        if (op.amount <= 0) refuse('22023');
        const scopes = this.scopes(op.identity, op.scopes);
        const acc = this.account(op.identity);
        const replay = this.replay(op.identity, op.key, this.fingerprint(op));
        if (replay !== null) return replay;
        this.available(op.identity, acc, op.amount);
        const charged = this.applicable(op.identity, scopes);
        this.checkBudgets(charged, op.amount);
        for (const b of charged) b.reserved += op.amount;
        acc.reserved += op.amount;
        this.reservations.set(newId, {
          id: newId,
          identity: op.identity,
          amount: op.amount,
          committed: 0,
          status: 'open',
          budgetIds: charged.map((b) => b.id),
          threadId: scopes.thread ?? null,
        });
        return this.remember(op.identity, op.key, this.fingerprint(op), newId);
      }
      case 'commit':
      case 'release': {
        const actual = op.kind === 'commit' ? op.actual : 0;
        if (actual < 0) refuse('22023');
        const res = this.reservations.get(op.reservation) ?? refuse('P0002');
        // a replay returns the reservation, whatever happened to it since
        if (this.replay(res.identity, op.key, this.fingerprint(op)) !== null) return res.id;
        if (res.status !== 'open') refuse('55000');
        if (actual > res.amount) refuse('22023');
        this.settle(res, actual, op.kind === 'commit' ? 'committed' : 'released');
        this.remember(res.identity, op.key, this.fingerprint(op), res.id);
        return res.id;
      }
      case 'expire': {
        const res = this.reservations.get(op.reservation);
        if (!res || res.status !== 'open') return '0';
        this.settle(res, 0, 'expired');
        return '1';
      }
      case 'transfer': {
        if (op.amount <= 0 || op.from === op.to) refuse('22023');
        const src = this.account(op.from);
        const dst = this.account(op.to);
        const replay = this.replay(op.from, op.key, this.fingerprint(op));
        if (replay !== null) return replay;
        this.available(op.from, src, op.amount);
        src.balance -= op.amount;
        dst.balance += op.amount;
        return this.remember(op.from, op.key, this.fingerprint(op), newId);
      }
    }
  }

  private settle(res: Reservation, actual: number, status: Reservation['status']): void {
    for (const id of res.budgetIds) {
      const b = this.budgets.get(id)!;
      b.reserved -= res.amount;
      b.spent += actual;
    }
    const acc = this.accounts.get(res.identity)!;
    acc.reserved -= res.amount;
    acc.balance -= actual;
    if (actual > 0) this.consume(res.threadId, actual);
    res.status = status;
    res.committed = actual;
  }

  private consume(thread: string | null, amount: number): void {
    if (thread !== null && this.threads.has(thread))
      this.threads.set(thread, this.threads.get(thread)! + amount);
  }

  private account(identity: string) {
    return this.accounts.get(identity) ?? refuse('P0002', `no token account for identity ${identity}`);
  }

  private available(identity: string, acc: { balance: number; reserved: number }, amount: number): void {
    if (acc.balance - acc.reserved < amount) {
      refuse(
        'P0001',
        `insufficient balance: identity ${identity} has ${acc.balance - acc.reserved} available, ${amount} requested`,
      );
    }
  }

  private scopes(identity: string, scopes: Scopes): Scopes {
    if (scopes.identity !== undefined && scopes.identity !== identity) refuse('22023');
    return { ...scopes, identity };
  }

  /**
   * The budgets a spend by `identity` in `scopes` charges, in id order (the SQL lock order): the
   * payer's own budgets of those scopes, and the place's dataspace and thread budgets whoever set
   * them (issue 14: a member's run in a shared dataspace is paid by the member and capped by the
   * owner's dataspace and thread budgets; the owner's sphere and domain budgets cap the owner only).
   */
  private applicable(identity: string, scopes: Scopes): Budget[] {
    return [...this.budgets.values()]
      .filter(
        (b) =>
          (b.identity === identity || b.scopeType === 'dataspace' || b.scopeType === 'thread') &&
          scopes[b.scopeType] === b.scopeId,
      )
      .sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  }

  /** Refuses when a budget would be ended or exceeded, naming the narrowest such scope (then id order). */
  private checkBudgets(budgets: Budget[], amount: number): void {
    const ended = (b: Budget) => b.period === 'project' && b.ended;
    const b = budgets
      .filter((x) => ended(x) || (x.period !== 'unlimited' && x.spent + x.reserved + amount > x.amount))
      .sort((x, y) => NARROW.indexOf(x.scopeType) - NARROW.indexOf(y.scopeType))[0];
    if (b && ended(b)) refuse('P0001', `budget ended: ${b.scopeType} ${b.scopeId}`);
    if (b) refuse('P0001', `budget exceeded: ${b.scopeType} ${b.scopeId}`);
  }

  /** The fields each SQL function hashes into its idempotency fingerprint. */
  private fingerprint(op: Op): string {
    switch (op.kind) {
      case 'credit':
        return JSON.stringify(['credit', op.identity, op.amount]);
      case 'debit':
      case 'reserve':
        return JSON.stringify([
          op.kind,
          op.identity,
          op.amount,
          Object.entries(this.scopes(op.identity, op.scopes)).sort(),
        ]);
      case 'commit':
        return JSON.stringify(['commit', op.reservation, op.actual]);
      case 'release':
        return JSON.stringify(['release', op.reservation]);
      case 'transfer':
        return JSON.stringify(['transfer', op.from, op.to, op.amount]);
      case 'expire':
        return 'expire';
    }
  }

  private replay(identity: string, key: string, request: string): string | null {
    const seen = this.keys.get(identity)?.get(key);
    if (!seen) return null;
    if (seen.request !== request) refuse('22023', `idempotency key reused with a different request: ${key}`);
    return seen.result;
  }

  private remember(identity: string, key: string, request: string, result: string): string {
    let keys = this.keys.get(identity);
    if (!keys) this.keys.set(identity, (keys = new Map()));
    keys.set(key, { request, result });
    return result;
  }
}
