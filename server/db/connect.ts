import postgres, { type Sql } from 'postgres';

/**
 * One postgres.js pool. `prepare: true` keeps statements prepared per connection; notices are
 * dropped (migrations emit many "does not exist, skipping").
 */
export function connect(url: string, options: { max?: number } = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { application_name: 'chenu' },
  });
}
