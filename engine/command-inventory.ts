// `sdtd-play inventory --graph|--list|--host NAME`, as ansible-inventory shows an inventory.

import { inventorySources } from './command-playbook.js';
import { EXIT, SdtdError } from './errors.js';
import { graph, hostInfo, list, loadInventory, toJson } from './inventory/index.js';
import { closePrompts } from './prompt.js';
import { setupVaultPassword, type VaultOptions } from './vault-password.js';

export async function inventoryCommand(
  o: {
    inventory: string[];
    graph?: string | boolean;
    list?: boolean;
    host?: string;
  } & VaultOptions,
): Promise<number> {
  await setupVaultPassword(o);
  closePrompts();
  const inv = await loadInventory(inventorySources(o.inventory));
  let out: string;
  if (o.host) out = toJson(hostInfo(inv, o.host));
  else if (o.list) out = toJson(list(inv));
  else if (o.graph) out = graph(inv, typeof o.graph === 'string' ? o.graph : undefined);
  else throw new SdtdError('cli-usage', 'inventory: expected one of --graph, --list, --host NAME');
  process.stdout.write(`${out}\n`);
  return EXIT.ok;
}
