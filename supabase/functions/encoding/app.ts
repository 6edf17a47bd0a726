/**
 * Semantic encoding (pipeline step 2) as an endpoint: `GET /encoding/score` encodes a text with the
 * profile a run would use (explicit, else the thread's, else the default) through
 * shared/pipeline's encodeIntent, and answers the structured intent, its EQS and the tokens saved,
 * without running or storing anything. Also the profile catalog and the active identity's encoded
 * intents (written by the pipeline, read-only here).
 */
import { z } from 'zod';
import { encodeIntent, EncodingInputError } from '../../../shared/pipeline/encodeIntent.ts';
import * as p from '../../../shared/api/pipeline.ts';
import { crud, mapped } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';
import { ApiError } from '../_shared/errors.ts';

const fn = new EdgeFunction('encoding');

fn.route(
  {
    method: 'get',
    path: '/score',
    summary: 'Encode a text into a structured intent and score it (EQS, tokens saved); stores nothing',
    tag: 'encoding',
    query: p.EncodingScoreQuery,
    response: { status: 200, schema: p.EncodingScore },
  },
  async ({ query, caller, db }) => {
    const found = await mapped('read', () =>
      db.withUser(caller.claims, async (tx) => {
        let dataspaceId = query.dataspace_id;
        let threadProfile: string | null = null;
        if (query.thread_id) {
          // RLS decides: another identity's thread is simply not there
          const [thread] = await tx<{ dataspace_id: string; encoding_profile_id: string | null }[]>`
            select dataspace_id, encoding_profile_id from public.threads where id = ${query.thread_id}`;
          if (!thread) throw new ApiError('not_found', 'thread not found');
          if (dataspaceId && dataspaceId !== thread.dataspace_id) {
            throw new ApiError('validation_failed', 'the thread is not in that dataspace', [
              { path: 'query.thread_id', message: 'not in query.dataspace_id', code: 'custom' },
            ]);
          }
          dataspaceId = thread.dataspace_id;
          threadProfile = thread.encoding_profile_id;
        } else if (dataspaceId) {
          const [ds] = await tx`select 1 from public.dataspaces where id = ${dataspaceId}`;
          if (!ds) throw new ApiError('not_found', 'dataspace not found');
        }
        const [catalog] = await tx<{ profile: { id: string; slug: string } | null; rules: unknown[] }[]>`
          with p as (
            select p.id, p.slug, p.rules, p.compression_target from public.encoding_profiles p
            where p.id = coalesce(${query.profile_id ?? null}::uuid, ${threadProfile}::uuid,
                                  (select d.id from public.encoding_profiles d where d.is_default))
          )
          select (select to_jsonb(p) from p) as profile,
                 coalesce((select jsonb_agg(to_jsonb(r) order by r.position) from public.encoding_rules r
                           where r.profile_id = (select p.id from p)), '[]') as rules`;
        if (!catalog?.profile) {
          throw new ApiError(
            'not_found',
            query.profile_id ? 'encoding profile not found' : 'no default profile',
          );
        }
        return { dataspaceId, profile: catalog.profile, rules: catalog.rules };
      }),
    );
    try {
      const result = encodeIntent(query.text, found.profile, found.rules, {
        ...(found.dataspaceId ? { dataspaceId: found.dataspaceId } : {}),
        ...(query.thread_id ? { threadId: query.thread_id } : {}),
        ...(query.task_type ? { taskType: query.task_type } : {}),
      });
      return { profile: { id: found.profile.id, slug: found.profile.slug }, ...result };
    } catch (error) {
      if (error instanceof EncodingInputError) {
        throw new ApiError(error.code, error.message, [
          { path: 'query.text', message: error.message, code: 'custom' },
        ]);
      }
      throw error;
    }
  },
);

crud(fn, {
  path: '/profiles',
  table: 'public.encoding_profiles',
  owner: 'catalog',
  noun: 'encoding profile',
  tag: 'encoding',
  row: p.EncodingProfile,
  verbs: ['list', 'get'],
  filters: { slug: z.string().max(63) },
});
crud(fn, {
  path: '/profiles/{profile_id}/rules',
  table: 'public.encoding_rules',
  owner: 'catalog',
  noun: 'encoding rule',
  tag: 'encoding',
  row: p.EncodingRule,
  verbs: ['list', 'get'],
  parent: { param: 'profile_id', column: 'profile_id' },
});
crud(fn, {
  path: '/intents',
  table: 'public.encoded_intents',
  noun: 'encoded intent',
  tag: 'encoding',
  row: p.EncodedIntent,
  verbs: ['list', 'get'],
  filters: { thread_id: z.uuid(), profile_id: z.uuid() },
});

export default fn;
