// A play's vars_prompt: asked once when the play starts, unless -e already gives the variable (as in Ansible).
import { SdtdError } from './errors.js';
import { ask, closePrompts } from './prompt.js';
import type { Play } from './task-model.js';

/** The answers, as play variables. An empty answer takes the default; {{ }} stays text when unsafe. */
export async function askVarsPrompt(
  play: Play,
  extraVars: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const todo = play.varsPrompt.filter((q) => !Object.hasOwn(extraVars, q.name));
  if (!todo.length) return out;
  try {
    for (const q of todo) {
      const label = `${q.prompt ?? q.name}${q.default !== undefined ? ` [${q.default}]` : ''}`;
      const show = q.private === false;
      const answer = await ask(label, show);
      if (q.confirm) {
        const again = await ask(`confirm ${q.prompt ?? q.name}`, show);
        if (again !== answer)
          throw new SdtdError(
            'cli-usage',
            `vars_prompt ${q.name}: expected the same answer twice (got two different ones)`,
            {
              pos: play.pos,
            },
          );
      }
      const value = answer === '' && q.default !== undefined ? q.default : answer;
      // unsafe: the answer is data, its braces are not a template (each `{{` is written so it renders as itself)
      out[q.name] =
        q.unsafe && typeof value === 'string' ? value.replace(/\{([{%#])/g, "{{ '{' }}$1") : value;
    }
  } finally {
    // the run must not keep stdin: Ctrl-C belongs to the run again
    closePrompts();
  }
  return out;
}
