import type { i18n as I18n, TFunction } from 'i18next';

/**
 * A failure as the UI keeps it: the code it is translated from (`errors.<code>` in the dictionaries)
 * and the original wording, kept for the console and support, never shown instead of the sentence.
 * Codes: the API's (`not_found`, `budget_exceeded`, …), the rooms' (`room.<code>`), supabase-js auth's
 * (`auth.<code>`), transport (`network`, `realtime.unreachable`) and the client's own checks (`client.<code>`).
 */
export interface UiError {
  readonly code: string;
  readonly message: string;
  readonly details?: unknown;
}

/** A refusal the client itself decides (an empty field, a missing choice), by code. */
export class UiFailure extends Error {
  override readonly name = 'UiFailure';
  constructor(
    readonly code: string,
    message = code,
  ) {
    super(message);
  }
}

interface Shaped {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  status?: unknown;
  details?: unknown;
}

/** Normalises anything thrown or refused into a UiError (never throws). */
export function toUiError(error: unknown): UiError {
  if (error && typeof error === 'object') {
    const e = error as Shaped;
    const message = typeof e.message === 'string' ? e.message : String(error);
    if (e.name === 'UiFailure' && typeof e.code === 'string') return { code: `client.${e.code}`, message };
    if (e.name === 'ApiError' && typeof e.code === 'string') {
      return { code: e.code, message, details: e.details };
    }
    // supabase-js auth errors: AuthApiError carries the server's error_code; fetch failures retry
    if (typeof e.name === 'string' && e.name.startsWith('Auth')) {
      if (e.name === 'AuthRetryableFetchError') return { code: 'network', message };
      if (e.name === 'AuthSessionMissingError') return { code: 'auth.session_missing', message };
      // a password refused for being a known, guessable one (GoTrue's reason `pwned`)
      const reasons = (error as { reasons?: unknown }).reasons;
      if (e.name === 'AuthWeakPasswordError' && Array.isArray(reasons) && reasons.includes('pwned')) {
        return { code: 'auth.weak_password_common', message };
      }
      return { code: typeof e.code === 'string' ? `auth.${e.code}` : 'auth.unknown', message };
    }
    // @colyseus/sdk: the matchmaker or the room answered with a refusal (ServerError, MatchMakeError),
    // or the join never got an answer (AbortError)
    if (e.name === 'ServerError' || e.name === 'MatchMakeError') return { code: 'realtime.refused', message };
    if (e.name === 'AbortError') return { code: 'realtime.unreachable', message };
    if (e.name === 'TypeError' && /fetch|network/i.test(message)) return { code: 'network', message };
    return { code: 'unknown', message };
  }
  return { code: 'unknown', message: String(error) };
}

/**
 * A room's refusal (`{ code, message, type }` of the realtime protocol) as a UiError; the refused
 * message's type is kept, so a sentence can say what was refused (`errors.room.forbidden_chat`).
 */
export function roomRefusal(refusal: { code: string; message: string; type?: string }): UiError {
  return {
    code: `room.${refusal.code}`,
    message: refusal.message,
    ...(refusal.type ? { details: { type: refusal.type } } : {}),
  };
}

/**
 * The human sentence of a failure in the language in force: its code's sentence, else the generic
 * one. The raw wording goes to the console (debug), never to the screen.
 */
export function errorText(t: TFunction, i18n: I18n, error: UiError): string {
  // a room's refusal of one kind of action has its own sentence where the dictionaries word one
  const refused = (error.details as { type?: unknown } | undefined)?.type;
  const specific = typeof refused === 'string' ? `errors.${error.code}_${refused}` : null;
  const key = specific && i18n.exists(specific) ? specific : `errors.${error.code}`;
  if (!i18n.exists(key)) {
    console.debug(`CHENU client: no sentence for ${error.code}:`, error.message);
    return t('errors.unknown');
  }
  // the refusing scope a budget or reachability sentence names ("the thread's budget")
  const details = error.details as { scope?: { type?: unknown } } | undefined;
  const type = typeof details?.scope?.type === 'string' ? details.scope.type : 'request';
  return t(key, { scope: i18n.exists(`scopes.${type}`) ? t(`scopes.${type}`) : type });
}
