// "What just happened" in lesson 2, computed from the runs the learner made.
import type { Outcome } from '$lib/components/lessons/oracle/OracleAttack.svelte';

type Suite = 'cbc' | 'cbc-hmac' | 'gcm';

export function summarize(outcomes: Partial<Record<Suite, Outcome>>, targets: Partial<Record<Suite, { source: string }>>, live: boolean): string[] {
  const out: string[] = [];
  const where = live ? 'the live server' : 'the local oracle';
  if (!targets.cbc && !outcomes.cbc) return ['Nothing yet: capture the victim\'s message and run the attack, and this summary will describe what your run showed.'];
  const c = outcomes.cbc;
  const whose = targets.cbc?.source.includes('nobody here typed') ? 'a message someone else sent' : "the victim's message";
  if (targets.cbc && !c) out.push(`You captured ${whose}: an IV and ciphertext blocks, and no key. Run the attack.`);
  if (c) {
    const tally = Object.entries(c.tally).map(([k, v]) => `${v} × ${k}`).join(', ');
    if (c.result.ok) {
      const bytes = c.result.padded.length;
      out.push(
        `You recovered all ${bytes} bytes (${bytes / 16} block${bytes === 16 ? '' : 's'}) of ${whose} from ${where} with ${c.result.queries} queries: ${(c.result.queries / bytes).toFixed(1)} per byte on average, at most ${c.result.maxByteQueries} for one byte (the bound is 256).`
      );
      out.push(`The server's answers were ${tally}. Only whether the answer was ERR_BAD_PADDING mattered: that one bit per query is the whole leak.`);
    } else if (c.result.reason === 'aborted') out.push(`You stopped the cbc attack after ${c.result.queries} queries.`);
    else out.push(`The cbc attack failed after ${c.result.queries} queries (${tally}): this server does not tell bad padding apart, so there was nothing to learn.`);
  }
  for (const s of ['cbc-hmac', 'gcm'] as const) {
    const o = outcomes[s];
    if (!o) continue;
    const tally = Object.entries(o.tally).map(([k, v]) => `${v} × ${k}`).join(', ');
    if (o.result.ok) out.push(`Against ${s} the attack succeeded, which should not happen: check the server.`);
    else if (o.result.reason === 'aborted') out.push(`You stopped the ${s} attack.`);
    else out.push(`Against ${s} all 256 guesses for the very first byte got the same answer (${tally}): the ${s === 'gcm' ? 'tag' : 'MAC'} is checked first, in constant time, so the padding is never looked at and ${o.result.recovered.length} bytes were recovered.`);
  }
  return out;
}
