/**
 * Built-in deterministic agents: no network, no model, the same output for the same context. They
 * are the default provider and what the pipeline benchmark runs. Usage is counted with the same
 * tokenizer as the encoder (prompt = encoded intent + context read, completion = what was written).
 */
import { countTokens } from '../../../../../shared/pipeline/tokens.ts';
import {
  ProviderError,
  type AgentOutput,
  type AgentProvider,
  type AgentRunInput,
  type BackstageContext,
} from './AgentProvider.ts';

type Draft = Omit<AgentOutput, 'usage'>;
type Lang = 'fr' | 'en';

const t = (lang: Lang, fr: string, en: string): string => (lang === 'fr' ? fr : en);

function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?;])\s+|\n+/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function bullets(lines: string[], format: string | null): string {
  return format === 'list' || lines.length > 1 ? lines.map((l) => `• ${l}`).join('\n') : lines.join(' ');
}

/** Summarises a thread: key points (first sentence of each message), decisions, open questions. */
function summarizeThread(input: AgentRunInput): Draft {
  const lang = input.intent.language;
  const msgs = (input.context.messages ?? []).filter((m) => m.author_kind !== 'agent');
  const points = msgs.slice(-6).map((m) => clip(sentences(m.body)[0] ?? m.body, 200));
  const questions = msgs
    .flatMap((m) => sentences(m.body).filter((s) => s.endsWith('?')))
    .map((q) => clip(q, 280));
  const decided = (input.context.decisions ?? []).filter((d) => d.status === 'accepted').map((d) => d.title);
  const body = [
    t(lang, 'Résumé du fil :', 'Thread summary:'),
    points.length > 0
      ? bullets(points, input.intent.outputFormat)
      : t(lang, 'Le fil est vide.', 'The thread is empty.'),
    ...(decided.length > 0
      ? [t(lang, 'Décisions prises :', 'Decisions taken:'), bullets(decided, 'list')]
      : []),
    ...(questions.length > 0
      ? [t(lang, 'Questions ouvertes :', 'Open questions:'), bullets(questions, 'list')]
      : []),
  ].join('\n');
  return {
    messages: [body],
    decisions: questions.map((q) => ({
      title: clip(`${t(lang, 'À décider', 'To decide')} : ${q}`, 300),
      rationale: t(lang, 'Question ouverte relevée par le résumé.', 'Open question found by the summary.'),
    })),
    memoryProposals: points.length > 0 ? [{ kind: 'summary', content: clip(points.join(' '), 2000) }] : [],
    result: {
      format: input.intent.outputFormat ?? 'text',
      summary: points,
      decisions: decided,
      open_questions: questions,
    },
  };
}

const TASK_CUE =
  /(?<![\p{L}])(faire|envoyer|demander|appeler|inspecter|calfeutrer|réserver|prévoir|vérifier|confirmer|commander|préparer|refaire|il faut|doit|doivent|à faire|todo|need to|must|should|send|ask|call|book|check|confirm|prepare|follow up)(?![\p{L}])/iu;
const DUE = /(?<![\p{L}])(?:avant|d'ici|by|before)\s+(?:le\s+|the\s+)?(\d{1,2}(?:\s+\p{L}+)?)/iu;
const OWNER = /^(\p{Lu}[\p{L}-]+)\s+(?:doit|va|will|should|must|recommande)\b/u;

/** Extracts tasks (title, due date, owner) from meeting notes, messages and mapped workflow text. */
function extractTasks(input: AgentRunInput): Draft {
  const lang = input.intent.language;
  const sources: { id: string | null; text: string }[] = [
    ...(input.context.meeting_notes ?? []).map((n) => ({ id: n.id, text: n.body })),
    ...(input.context.messages ?? [])
      .filter((m) => m.author_kind !== 'agent')
      .map((m) => ({ id: m.id, text: m.body })),
  ];
  const mapped = input.context.input?.text;
  if (mapped !== undefined) {
    const text = Array.isArray(mapped) ? mapped.map(String).join('\n') : String(mapped);
    sources.push({ id: null, text });
  }
  const tasks: { title: string; due: string | null; owner: string | null; source_id: string | null }[] = [];
  for (const source of sources) {
    for (const s of sentences(source.text)) {
      if (!TASK_CUE.test(s) || s.endsWith('?')) continue;
      const title = clip(s.replace(/^[•\-*]\s*/u, ''), 200);
      if (tasks.some((x) => x.title === title)) continue;
      tasks.push({
        title,
        due: DUE.exec(s)?.[1] ?? null,
        owner: OWNER.exec(s)?.[1] ?? null,
        source_id: source.id,
      });
    }
  }
  const lines = tasks.map(
    (x) =>
      `${x.title}${x.owner ? ` — ${x.owner}` : ''}${x.due ? ` (${t(lang, 'échéance', 'due')} : ${x.due})` : ''}`,
  );
  return {
    messages: [
      lines.length > 0
        ? `${t(lang, 'Tâches relevées :', 'Tasks found:')}\n${bullets(lines, 'list')}`
        : t(lang, 'Aucune tâche relevée.', 'No task found.'),
    ],
    decisions: [],
    memoryProposals: tasks.slice(0, 10).map((x) => ({ kind: 'task', content: x.title })),
    result: { tasks },
  };
}

function money(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const units = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${sign}${units},${String(abs % 100).padStart(2, '0')} $`;
}

/** Drafts an estimate from the line items in scope: per line totals, subtotal, taxes, total. */
function draftEstimate(input: AgentRunInput): Draft {
  const lang = input.intent.language;
  const byProject = new Map<string, NonNullable<BackstageContext['line_items']>>();
  for (const li of input.context.line_items ?? []) {
    byProject.set(li.project, [...(byProject.get(li.project) ?? []), li]);
  }
  const projects = [...byProject].map(([project, items]) => {
    const lines = items.map((li) => {
      const qty = Number(li.quantity);
      const unit = Number(li.unit_price_cents);
      return {
        description: li.description,
        category: li.category,
        quantity: qty,
        unit: li.unit,
        unit_price_cents: unit,
        total_cents: Math.round(qty * unit),
      };
    });
    const subtotal = lines.reduce((s, l) => s + l.total_cents, 0);
    const tax = Math.round(subtotal * Number(items[0]!.tax_rate));
    return {
      project,
      estimate_id: items[0]!.estimate_id,
      lines,
      subtotal_cents: subtotal,
      tax_cents: tax,
      total_cents: subtotal + tax,
    };
  });
  if (projects.length === 0) {
    return {
      messages: [
        t(
          lang,
          'Aucun poste d’estimation dans la portée verrouillée.',
          'No estimate line items in the locked scope.',
        ),
      ],
      decisions: [],
      memoryProposals: [],
      result: { projects: [] },
    };
  }
  const messages = projects.map((p) =>
    [
      `${t(lang, 'Brouillon d’estimation', 'Draft estimate')} — ${p.project}`,
      ...p.lines.map(
        (l) =>
          `• ${l.description} : ${l.quantity} ${l.unit} × ${money(l.unit_price_cents)} = ${money(l.total_cents)}`,
      ),
      `${t(lang, 'Sous-total', 'Subtotal')} : ${money(p.subtotal_cents)}`,
      `${t(lang, 'Taxes', 'Taxes')} : ${money(p.tax_cents)}`,
      `${t(lang, 'Total', 'Total')} : ${money(p.total_cents)}`,
    ].join('\n'),
  );
  return {
    messages,
    decisions: projects.map((p) => ({
      title: clip(
        `${t(lang, 'Approuver le brouillon d’estimation', 'Approve the draft estimate')} — ${p.project}`,
        300,
      ),
      rationale: `${t(lang, 'Total avec taxes', 'Total with taxes')} : ${money(p.total_cents)}`,
    })),
    memoryProposals: projects.map((p) => ({
      kind: 'fact',
      content: `${t(lang, 'Estimation', 'Estimate')} ${p.project} : ${money(p.total_cents)}`,
    })),
    result: { projects },
  };
}

function words(text: string): Set<string> {
  return new Set(
    text
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length >= 3),
  );
}

/** Answers from the memory items the run was given, citing them; never invents. */
function answerFromMemory(input: AgentRunInput): Draft {
  const lang = input.intent.language;
  const query = words(`${input.intent.constraints.topic ?? ''} ${input.intentText}`);
  const scored = (input.context.memory ?? [])
    .map((m) => ({ m, score: [...words(m.content)].filter((w) => query.has(w)).length }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || a.m.id.localeCompare(b.m.id))
    .slice(0, 3);
  const withheld = input.context.withheld_sensitive ?? 0;
  const answer =
    scored.length > 0
      ? scored.map((x) => x.m.content).join(' ')
      : t(
          lang,
          'Rien dans la mémoire de cette portée ne répond à la question.',
          'Nothing in this scope’s memory answers the question.',
        );
  const note =
    withheld > 0
      ? `\n${t(lang, `(${withheld} élément(s) sensible(s) non transmis.)`, `(${withheld} sensitive item(s) withheld.)`)}`
      : '';
  return {
    messages: [`${answer}${note}`],
    decisions: [],
    memoryProposals: [],
    result: { answer, sources: scored.map((x) => x.m.id) },
  };
}

const TASKS: Readonly<Record<string, (input: AgentRunInput) => Draft>> = {
  summarize_thread: summarizeThread,
  extract_tasks: extractTasks,
  draft_estimate: draftEstimate,
  answer_from_memory: answerFromMemory,
};

/** Task types the built-in provider can run. */
export const BUILTIN_TASK_TYPES = Object.keys(TASKS);

/** The built-in provider: runs the deterministic agent of the task type. */
export function createBuiltinProvider(): AgentProvider {
  return {
    kind: 'builtin',
    async run(input) {
      if (input.signal.aborted) throw new ProviderError('run aborted before it started', 'timeout');
      const task = TASKS[input.taskType];
      if (!task) throw new ProviderError(`no built-in agent does ${input.taskType}`);
      const draft = task(input);
      // built-in agents never read earlier agent messages: the prompt they consumed excludes them
      const read = {
        ...input.context,
        messages: input.context.messages?.filter((m) => m.author_kind !== 'agent'),
      };
      const promptTokens = countTokens(`${input.encodedText}\n${JSON.stringify(read)}`);
      const completionTokens = countTokens(
        [
          ...draft.messages,
          ...draft.decisions.map((d) => `${d.title} ${d.rationale}`),
          ...draft.memoryProposals.map((p) => p.content),
        ].join('\n'),
      );
      return {
        ...draft,
        usage: {
          promptTokens,
          completionTokens,
          totalTokens: promptTokens + completionTokens,
          source: 'counted',
        },
      };
    },
  };
}
