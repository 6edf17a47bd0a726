/**
 * Local auth's password policy, in GoTrue's terms so supabase-js turns a refusal into an
 * `AuthWeakPasswordError` with its `reasons`: at least PASSWORD_MIN_LENGTH characters, at most
 * PASSWORD_MAX_BYTES UTF-8 bytes (bcrypt ignores what follows), and not one of the ~49,000 most common
 * passwords (the list zxcvbn-ts ships in `@zxcvbn-ts/language-common`), compared case-insensitively,
 * nor the account's own email or its local part.
 */
import { dictionary } from '@zxcvbn-ts/language-common';

export const PASSWORD_MIN_LENGTH = 8;
/** bcrypt reads 72 bytes of a password; a longer one would be accepted on its first 72 alone. */
export const PASSWORD_MAX_BYTES = 72;

/** GoTrue's reasons (`weak_password.reasons`); `pwned` is its name for a known, guessable password. */
export type WeakPasswordReason = 'length' | 'pwned';

export interface WeakPassword {
  reasons: WeakPasswordReason[];
  message: string;
}

const COMMON = new Set(dictionary['passwords-common']);

/** Why `password` may not be used for `email`, or undefined when it may. */
export function checkPassword(password: string, email: string): WeakPassword | undefined {
  const chars = [...password].length;
  if (chars < PASSWORD_MIN_LENGTH) {
    return { reasons: ['length'], message: `Password should be at least ${PASSWORD_MIN_LENGTH} characters.` };
  }
  if (new TextEncoder().encode(password).length > PASSWORD_MAX_BYTES) {
    return { reasons: ['length'], message: `Password should be at most ${PASSWORD_MAX_BYTES} bytes.` };
  }
  const folded = password.toLowerCase();
  const address = email.toLowerCase();
  if (COMMON.has(folded) || folded === address || folded === address.split('@')[0]) {
    return {
      reasons: ['pwned'],
      message: 'Password is known to be weak and easy to guess, please choose a different one.',
    };
  }
  return undefined;
}
