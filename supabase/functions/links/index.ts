import fn from './app.ts';

Deno.serve(fn.fetch);
