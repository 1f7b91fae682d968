// --list-hosts, --list-tasks, --list-tags: what a run would touch, without running anything.
import type { Playbook } from './playbook.js';
import type { PlayInventory } from './run-play.js';
import { selected } from './tags.js';
import type { TaskNode } from './task-model.js';

function leaves(nodes: TaskNode[]): TaskNode[] {
  return nodes.flatMap((n) => (n.kind === 'block' ? leaves([...n.block, ...n.rescue, ...n.always]) : [n]));
}

export function listHosts(pbs: Playbook[], inv: PlayInventory, limit: Set<string> | undefined): string[] {
  const out: string[] = [];
  for (const pb of pbs) {
    out.push(`\nplaybook: ${pb.file}`);
    pb.plays.forEach((play, i) => {
      const hosts = inv.select(play.hosts).filter((h) => !limit || limit.has(h));
      out.push(`\n  play #${i + 1} (${play.hosts}): ${play.name}\tTAGS: [${play.inh.tags.join(', ')}]`);
      out.push(
        `    pattern: ['${play.hosts}']`,
        `    hosts (${hosts.length}):`,
        ...hosts.map((h) => `      ${h}`),
      );
    });
  }
  return out;
}

export function listTasks(pbs: Playbook[], only: string[], skip: string[]): string[] {
  const out: string[] = [];
  for (const pb of pbs) {
    out.push(`\nplaybook: ${pb.file}`);
    pb.plays.forEach((play, i) => {
      out.push(
        `\n  play #${i + 1} (${play.hosts}): ${play.name}\tTAGS: [${play.inh.tags.join(', ')}]`,
        '    tasks:',
      );
      for (const t of leaves([...play.preTasks, ...play.tasks, ...play.postTasks])) {
        if (!selected(t.inh.tags, only, skip)) continue;
        const name = t.inh.role ? `${t.inh.role.name} : ${t.name}` : t.name;
        out.push(`      ${name}\tTAGS: [${t.inh.tags.join(', ')}]`);
      }
    });
  }
  return out;
}

export function listTags(pbs: Playbook[]): string[] {
  const out: string[] = [];
  for (const pb of pbs) {
    out.push(`\nplaybook: ${pb.file}`);
    pb.plays.forEach((play, i) => {
      const tags = new Set(
        leaves([...play.preTasks, ...play.tasks, ...play.postTasks]).flatMap((t) => t.inh.tags),
      );
      out.push(`\n  play #${i + 1} (${play.hosts}): ${play.name}\tTAGS: [${play.inh.tags.join(', ')}]`);
      out.push(`      TASK TAGS: [${[...tags].sort().join(', ')}]`);
    });
  }
  return out;
}
