// `fail`: stop the host with a message, usually under a `when:` (Ansible's fail module).
import { defineModule } from '../engine/module.js';
import { Obj, Type } from '../engine/schema.js';

const schema = Obj({
  msg: Type.Optional(
    Type.String({ description: "Why the task fails. Default: 'Failed as requested from task'." }),
  ),
});

export default defineModule({
  name: 'fail',
  schema,
  controllerOnly: true,
  async plan(args) {
    return { steps: [], fail: args.msg ?? 'Failed as requested from task' };
  },
});
