// Tag selection (--tags / --skip-tags), with Ansible's special tags: all, always, never, tagged, untagged.

/** Whether a task with these (inherited) tags runs under the selection; Ansible's Taggable.evaluate_tags. */
export function selected(taskTags: string[], only: string[], skip: string[]): boolean {
  const tags = new Set(taskTags.length ? taskTags : ['untagged']);
  const untagged = taskTags.length === 0;
  const onlyTags = only.length ? only : ['all'];
  const meets = (sel: string[]) => sel.some((t) => tags.has(t));
  let run: boolean;
  if (tags.has('always')) run = true;
  else if (onlyTags.includes('all') && !tags.has('never')) run = true;
  else if (meets(onlyTags)) run = true;
  else run = onlyTags.includes('tagged') && !untagged && !tags.has('never');
  if (run && skip.length) {
    if (skip.includes('all')) run = tags.has('always') && !skip.includes('always');
    else if (meets(skip)) run = false;
    else if (skip.includes('tagged') && !untagged) run = false;
  }
  return run;
}
