/**
 * `npm run staff -- grant <email> reviewer|admin` / `npm run staff -- revoke <email>`: the staff
 * roles of a deployment (private.staff_roles): reviewers decide agent runs held for human review,
 * admins also grant token top-ups. Runs as the database owner (the embedded database, or
 * DATABASE_URL); every change is audited on the person's chain.
 */
import os from 'node:os';
import { parseEnv } from '../env.ts';
import { openDatabase } from '../db/openDatabase.ts';

async function main(): Promise<void> {
  const [verb, email, role] = process.argv.slice(2);
  const granting = verb === 'grant' && email && (role === 'reviewer' || role === 'admin');
  if (!granting && !(verb === 'revoke' && email)) {
    throw new Error('usage: npm run staff -- grant <email> reviewer|admin | revoke <email>');
  }
  const db = await openDatabase(parseEnv(), () => {});
  try {
    await db.sql`select private.set_staff_role(${email!}, ${granting ? role! : null}, ${`npm run staff (${os.userInfo().username})`})`;
    console.log(granting ? `staff: ${email} is now ${role}` : `staff: ${email} holds no staff role`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(`staff: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
